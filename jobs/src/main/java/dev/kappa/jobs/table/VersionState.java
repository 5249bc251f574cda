package dev.kappa.jobs.table;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a table version is in its life. Only one version is published: the one the table's main branch shows. */
public enum VersionState {
    /** Being written; readers must not use it yet. A replay left here can be resumed. */
    BUILDING,
    /** Complete and audited, not yet published. */
    READY,
    PUBLISHED,
    /** Was published, has been replaced; kept for rollback until dropped. */
    RETIRED,
    /** Its files are deleted; the entry stays as history. */
    DROPPED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static VersionState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
