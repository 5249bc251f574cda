package dev.kappa.jobs.dedup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The ids of one key group that dedup remembers on the heap, each as its 128-bit key and its expiry,
 * in one open-addressed array of longs (24 bytes per id, no object per id): a lookup is one probe,
 * a snapshot is a bulk copy of the array's live entries, and there is nothing for the garbage
 * collector to trace. The key (0, 0) marks a free entry; an id whose SHA-256 starts with 128 zero bits
 * is stored as (0, 1), which at odds of 2^-128 could make it share an entry with another id.
 */
final class ExpiringIdTable {

    static final long NOT_REMEMBERED = Long.MIN_VALUE;

    private static final int MIN_CAPACITY = 1 << 6;
    private static final int ENTRY_BYTES = 3 * Long.BYTES;
    private static final int IO_ENTRIES = 2730;

    /** hi, lo, expiry of entry i at 3i, 3i + 1, 3i + 2. */
    private long[] entries = new long[3 * MIN_CAPACITY];
    private int size;
    /** No entry expires before this (it may be lower than the earliest expiry held). */
    private long earliestExpiry = Long.MAX_VALUE;

    /** The id's expiry, or {@link #NOT_REMEMBERED}. */
    long expiryOf(long hi, long lo) {
        int at = find(entries, hi, stored(hi, lo));
        return entries[at] == 0 && entries[at + 1] == 0 ? NOT_REMEMBERED : entries[at + 2];
    }

    /** Remembers the id until {@code expires}, in place of any expiry it had; true if it was not held. */
    boolean put(long hi, long lo, long expires) {
        long storedLo = stored(hi, lo);
        int at = find(entries, hi, storedLo);
        boolean added = entries[at] == 0 && entries[at + 1] == 0;
        if (added) {
            if (size + 1 > capacity() - (capacity() >>> 2)) {
                rehash(capacity() << 1);
                at = find(entries, hi, storedLo);
            }
            entries[at] = hi;
            entries[at + 1] = storedLo;
            size++;
        }
        entries[at + 2] = expires;
        earliestExpiry = Math.min(earliestExpiry, expires);
        return added;
    }

    /** Forgets every id whose expiry is at or before {@code watermark}; returns how many. */
    int forgetExpired(long watermark) {
        if (earliestExpiry > watermark) {
            return 0;
        }
        int live = countLiveAfter(watermark);
        long[] kept = new long[3 * capacityFor(live)];
        earliestExpiry = Long.MAX_VALUE;
        for (int at = 0; at < entries.length; at += 3) {
            if ((entries[at] != 0 || entries[at + 1] != 0) && entries[at + 2] > watermark) {
                insert(kept, entries[at], entries[at + 1], entries[at + 2]);
            }
        }
        entries = kept;
        int forgotten = size - live;
        size = live;
        return forgotten;
    }

    int size() {
        return size;
    }

    /** Writes the ids held: their count, then each id's key and expiry. */
    void write(DataOutputStream out) throws IOException {
        out.writeInt(size);
        // sized to the table: with a large max parallelism most key groups hold few ids
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(size, IO_ENTRIES) * ENTRY_BYTES);
        if (!buffer.hasRemaining()) {
            return;
        }
        for (int at = 0; at < entries.length; at += 3) {
            if (entries[at] != 0 || entries[at + 1] != 0) {
                buffer.putLong(entries[at]).putLong(entries[at + 1]).putLong(entries[at + 2]);
                if (!buffer.hasRemaining()) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
            }
        }
        out.write(buffer.array(), 0, buffer.position());
    }

    /** Adds the ids {@link #write} wrote; an id already held keeps the later of its two expiries. */
    void read(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("a dedup id table reports " + count + " ids");
        }
        byte[] chunk = new byte[Math.min(count, IO_ENTRIES) * ENTRY_BYTES];
        for (int left = count; left > 0; ) {
            int n = Math.min(left, IO_ENTRIES);
            in.readFully(chunk, 0, n * ENTRY_BYTES);
            ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n * ENTRY_BYTES);
            for (int i = 0; i < n; i++) {
                long hi = buffer.getLong();
                long lo = buffer.getLong();
                long expires = buffer.getLong();
                long held = expiryOf(hi, lo);
                put(hi, lo, Math.max(held, expires));
            }
            left -= n;
        }
    }

    /** Calls {@code each} with every id held and its expiry. */
    void forEach(IdConsumer each) throws Exception {
        for (int at = 0; at < entries.length; at += 3) {
            if (entries[at] != 0 || entries[at + 1] != 0) {
                each.accept(entries[at], entries[at + 1], entries[at + 2]);
            }
        }
    }

    @FunctionalInterface
    interface IdConsumer {
        void accept(long hi, long lo, long expires) throws Exception;
    }

    private int countLiveAfter(long watermark) {
        int live = 0;
        for (int at = 0; at < entries.length; at += 3) {
            if ((entries[at] != 0 || entries[at + 1] != 0) && entries[at + 2] > watermark) {
                live++;
            }
        }
        return live;
    }

    private int capacity() {
        return entries.length / 3;
    }

    /** The smallest power of two at least MIN_CAPACITY that holds {@code ids} at most half full. */
    private static int capacityFor(int ids) {
        int capacity = MIN_CAPACITY;
        while (capacity < 2L * ids) {
            capacity <<= 1;
        }
        return capacity;
    }

    private void rehash(int capacity) {
        long[] grown = new long[3 * capacity];
        for (int at = 0; at < entries.length; at += 3) {
            if (entries[at] != 0 || entries[at + 1] != 0) {
                insert(grown, entries[at], entries[at + 1], entries[at + 2]);
            }
        }
        entries = grown;
    }

    private void insert(long[] table, long hi, long lo, long expires) {
        int at = find(table, hi, lo);
        table[at] = hi;
        table[at + 1] = lo;
        table[at + 2] = expires;
        earliestExpiry = Math.min(earliestExpiry, expires);
    }

    /** The entry holding the id, or the free entry where its probe ends. */
    private static int find(long[] table, long hi, long lo) {
        int mask = table.length / 3 - 1;
        // the key bits are SHA-256 output, uniform already; the key group took hi and lo's hash, so
        // mix both again rather than index by bits the key group assignment may have correlated
        int i = (int) (lo ^ (hi >>> 29)) & mask;
        while (true) {
            int at = 3 * i;
            long h = table[at];
            long l = table[at + 1];
            if (h == hi && l == lo || h == 0 && l == 0) {
                return at;
            }
            i = (i + 1) & mask;
        }
    }

    private static long stored(long hi, long lo) {
        return hi == 0 && lo == 0 ? 1 : lo;
    }
}
