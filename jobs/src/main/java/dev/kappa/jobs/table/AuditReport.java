package dev.kappa.jobs.table;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.kappa.common.kafka.LogRange;

/**
 * What {@link TableAudit} found: the table version against the stretch of the log it was built from.
 *
 * @param rangeFrom {@code versions} when the range was recorded when the version was built, {@code
 *     footers} when it had to be taken from the files (a live version)
 * @param invalid log records without key or value: never table rows
 * @param parked ids of the range the version's own job dead-lettered (too late for dedup)
 * @param missing ids of the range that are neither in the table nor parked
 * @param duplicated ids in more than one row
 * @param notInLog rows whose log position is outside the range or holds another id
 */
public record AuditReport(String table, int version, String rangeFrom, LogRange range, long logRecords,
        long logIds, long invalid, long parked, long rows, Finding missing, Finding duplicated, Finding notInLog) {

    /** How many, and the first few by name. */
    public record Finding(long count, List<String> examples) {
    }

    public boolean ok() {
        return missing.count() == 0 && duplicated.count() == 0 && notInLog.count() == 0;
    }

    public String toJson() {
        try {
            return TableVersions.JSON.writeValueAsString(new Json(table, "v" + version, ok(), rangeFrom, range,
                    logRecords, logIds, invalid, parked, rows, missing, duplicated, notInLog));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line for stderr: what is wrong, naming ids. */
    public String summary() {
        return table + " v" + version + ": " + (ok() ? "OK" : "MISMATCH") + ", " + rows + " rows for " + logIds
                + " ids in " + range + describe("missing", missing) + describe("duplicated", duplicated)
                + describe("not in the log", notInLog);
    }

    private static String describe(String what, Finding finding) {
        return finding.count() == 0 ? "" : "; " + finding.count() + " " + what + " " + finding.examples();
    }

    private record Json(String table, String version, boolean ok, String rangeFrom, LogRange range,
            long logRecords, long logIds, long invalid, long parked, long rows, Finding missing,
            Finding duplicated, Finding notInLog) {
    }
}
