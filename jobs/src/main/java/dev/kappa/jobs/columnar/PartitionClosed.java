package dev.kappa.jobs.columnar;

/**
 * One subtask's word that an hourly partition is over for it (its watermark passed the partition's
 * end plus the commit delay) and how many rows it sent there before that.
 */
public record PartitionClosed(String partition, long onTimeRows) {
}
