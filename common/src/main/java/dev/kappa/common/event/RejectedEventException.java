package dev.kappa.common.event;

/**
 * Thrown inside the codec to abandon a record; caught at the operator and turned into a dead
 * letter. No stack trace: rejections are data, and on bad input they are frequent.
 */
public final class RejectedEventException extends RuntimeException {

    private final RejectReason reason;

    public RejectedEventException(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
