package dev.kappa.jobs.dedup;

/**
 * A multiset of 64-bit fingerprints, one per id the deduplicator remembers, in one open-addressed
 * array: telling that an id is new costs one probe into it, where asking the keyed state costs a
 * lookup that, for millions of ids, misses the CPU caches several times (heap) or reads SST files
 * (RocksDB). An id whose fingerprint is present may still be new, and the state decides; an id whose
 * fingerprint is absent is new. Kept exact by the caller: one {@link #add} per id remembered, one
 * {@link #remove} per id forgotten, so ids that share a fingerprint stay present until both are gone.
 */
final class IdFingerprints {

    /** Marks a free slot; the fingerprint 0 is stored as 1, which only makes its ids ask the state. */
    private static final long FREE = 0;
    private static final int MIN_CAPACITY = 1 << 10;

    private long[] slots = new long[MIN_CAPACITY];
    private int size;

    void add(long fingerprint) {
        if (size + 1 > slots.length - (slots.length >>> 2)) {
            resize(slots.length << 1);
        }
        insert(slots, stored(fingerprint));
        size++;
    }

    boolean mightContain(long fingerprint) {
        long stored = stored(fingerprint);
        int mask = slots.length - 1;
        for (int i = index(stored, mask); slots[i] != FREE; i = (i + 1) & mask) {
            if (slots[i] == stored) {
                return true;
            }
        }
        return false;
    }

    /** Removes one occurrence, if there is one. */
    void remove(long fingerprint) {
        long stored = stored(fingerprint);
        int mask = slots.length - 1;
        int i = index(stored, mask);
        while (slots[i] != stored) {
            if (slots[i] == FREE) {
                return;
            }
            i = (i + 1) & mask;
        }
        // backward-shift deletion: later entries of the same run move up so no probe stops early
        int hole = i;
        for (int j = (i + 1) & mask; slots[j] != FREE; j = (j + 1) & mask) {
            int home = index(slots[j], mask);
            // j's entry may fill the hole if its home is not in the cyclic range (hole, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = FREE;
        size--;
        if (slots.length > MIN_CAPACITY && size < slots.length >>> 3) {
            resize(slots.length >>> 1);
        }
    }

    int size() {
        return size;
    }

    private void resize(int capacity) {
        long[] grown = new long[capacity];
        for (long stored : slots) {
            if (stored != FREE) {
                insert(grown, stored);
            }
        }
        slots = grown;
    }

    private static void insert(long[] table, long stored) {
        int mask = table.length - 1;
        int i = index(stored, mask);
        while (table[i] != FREE) {
            i = (i + 1) & mask;
        }
        table[i] = stored;
    }

    private static long stored(long fingerprint) {
        return fingerprint == FREE ? 1 : fingerprint;
    }

    /** The fingerprints are SHA-256 bits, already uniform: the low bits index directly. */
    private static int index(long stored, int mask) {
        return (int) stored & mask;
    }
}
