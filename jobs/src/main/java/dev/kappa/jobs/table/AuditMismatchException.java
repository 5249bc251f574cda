package dev.kappa.jobs.table;

/** A table version does not match its log; the message names what is missing, doubled or foreign. */
public final class AuditMismatchException extends RuntimeException {

    private final transient AuditReport report;

    public AuditMismatchException(AuditReport report) {
        super("audit failed: " + report.summary());
        this.report = report;
    }

    public AuditReport report() {
        return report;
    }
}
