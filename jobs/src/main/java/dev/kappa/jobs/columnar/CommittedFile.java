package dev.kappa.jobs.columnar;

/** A table file that has just become visible under its final name, in {@code partition}. */
public record CommittedFile(String partition, String path) {
}
