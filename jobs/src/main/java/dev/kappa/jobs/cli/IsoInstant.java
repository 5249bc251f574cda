package dev.kappa.jobs.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * An option's ISO-8601 instant, or a bad-usage error naming the option and an example; an option
 * that also takes {@code earliest} gives null for it.
 */
final class IsoInstant {

    private IsoInstant() {
    }

    static Instant parse(String option, String text) {
        return parse(option, text, false);
    }

    static Instant orEarliest(String option, String text) {
        return text.equals("earliest") ? null : parse(option, text, true);
    }

    private static Instant parse(String option, String text, boolean earliestToo) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " " + text + ": expected " + (earliestToo ? "earliest or " : "")
                    + "an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }
}
