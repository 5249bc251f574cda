package dev.kappa.common.event;

/** Field names of the event envelope (DESIGN.md contract). */
public final class EventFields {
    public static final String EVENT_ID = "event_id";
    public static final String EVENT_TYPE = "event_type";
    public static final String EVENT_TIME = "event_time";
    public static final String SOURCE = "source";
    public static final String PAYLOAD = "payload";

    public static final int MAX_ID_LENGTH = 128;

    private EventFields() {
    }
}
