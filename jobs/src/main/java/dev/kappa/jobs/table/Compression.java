package dev.kappa.jobs.table;

/** Parquet codecs offered for the table's files; each maps to Parquet's own codec name. */
public enum Compression {
    ZSTD,
    SNAPPY,
    GZIP,
    NONE
}
