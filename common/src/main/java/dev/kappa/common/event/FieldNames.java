package dev.kappa.common.event;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names seen in each object open in one record, to refuse a name twice in one object as
 * Jackson's strict duplicate detection does, without its new set per object: those sets were most
 * of what ingest allocated per record. Short objects are scanned; a long one gets its set, so a
 * hostile record with many fields stays linear. Not thread-safe; reused record after record.
 */
final class FieldNames {

    private static final int SCANNED = 16;

    private String[][] names = new String[4][];
    private int[] counts = new int[4];
    /** Per depth, the names of an object longer than {@link #SCANNED}; null for a short one. */
    private Set<?>[] longObjects = new Set<?>[4];
    private int depth = -1;

    void reset() {
        depth = -1;
    }

    void enterObject() {
        depth++;
        if (depth == names.length) {
            names = Arrays.copyOf(names, depth * 2);
            counts = Arrays.copyOf(counts, depth * 2);
            longObjects = Arrays.copyOf(longObjects, depth * 2);
        }
        if (names[depth] == null) {
            names[depth] = new String[SCANNED];
        }
        counts[depth] = 0;
        longObjects[depth] = null;
    }

    void exitObject() {
        longObjects[depth] = null;
        depth--;
    }

    /** Throws {@link RejectedEventException} when the open object already has this name. */
    @SuppressWarnings("unchecked")
    void add(String name) {
        Set<String> longObject = (Set<String>) longObjects[depth];
        if (longObject != null) {
            if (!longObject.add(name)) {
                throw duplicate(name);
            }
            return;
        }
        int count = counts[depth];
        String[] seen = names[depth];
        for (int i = 0; i < count; i++) {
            if (seen[i].equals(name)) {
                throw duplicate(name);
            }
        }
        if (count < SCANNED) {
            seen[count] = name;
            counts[depth] = count + 1;
        } else {
            longObject = new HashSet<>(List.of(seen));
            longObject.add(name);
            longObjects[depth] = longObject;
        }
    }

    /** Jackson's own words, so a record gets the same detail on either path. */
    private static RejectedEventException duplicate(String name) {
        return new RejectedEventException(RejectReason.DUPLICATE_FIELD, "Duplicate field '" + name + "'");
    }
}
