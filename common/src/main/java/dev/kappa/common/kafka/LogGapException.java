package dev.kappa.common.kafka;

/** Records of the log were deleted before a job read them; the message says which and what to do. */
public final class LogGapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LogGapException(String message, Throwable cause) {
        super(message, cause);
    }
}
