package dev.kappa.jobs.table;

import java.io.Serializable;

/** A top-level payload field copied into a typed column of the same name. */
public record ProjectedField(String name, FieldType type) implements Serializable {
}
