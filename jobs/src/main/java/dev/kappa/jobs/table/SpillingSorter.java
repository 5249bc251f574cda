package dev.kappa.jobs.table;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Sorts more (id, log position) entries than fit in memory: sorted runs of a fixed number of entries
 * are written to files under a temporary directory, then merged. Memory stays the size of one run
 * plus a read buffer per run, whatever the number of entries. Closing deletes the files.
 */
final class SpillingSorter implements AutoCloseable {

    /** One table row or log record: its event id and its position on the log. */
    record Entry(String id, long position) {
    }

    static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id).thenComparingLong(Entry::position);
    static final Comparator<Entry> BY_POSITION = Comparator.comparingLong(Entry::position).thenComparing(Entry::id);

    private static final int WRITE_BUFFER = 64 * 1024;
    private static final int READ_BUFFER = 8 * 1024;
    /** Runs merged into one beyond this, to bound open files and read buffers on huge inputs. */
    private static final int MAX_RUNS = 128;

    private final Comparator<Entry> order;
    private final int runSize;
    private final Path directory;
    private final List<Path> runs = new ArrayList<>();
    private final List<Entry> buffer = new ArrayList<>();
    private long size;

    SpillingSorter(Comparator<Entry> order, int runSize, Path directory) {
        this.order = order;
        this.runSize = runSize;
        this.directory = directory;
    }

    void add(String id, long position) {
        buffer.add(new Entry(id, position));
        size++;
        if (buffer.size() >= runSize) {
            spill();
        }
    }

    long size() {
        return size;
    }

    private void spill() {
        buffer.sort(order);
        runs.add(write(buffer.iterator()));
        buffer.clear();
        if (runs.size() >= MAX_RUNS) {
            Iterator<Entry> merged = merge();
            List<Path> merging = new ArrayList<>(runs);
            runs.clear();
            runs.add(write(merged));
            merging.forEach(SpillingSorter::delete);
        }
    }

    private Path write(Iterator<Entry> entries) {
        try {
            Path run = Files.createTempFile(directory, "run-", ".bin");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run),
                    WRITE_BUFFER))) {
                while (entries.hasNext()) {
                    Entry entry = entries.next();
                    out.writeUTF(entry.id());
                    out.writeLong(entry.position());
                }
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill audit entries to " + directory
                    + ": the audit needs about 3 x (id length + 10) bytes of temporary disk per event, twice that "
                    + "while runs are merged", e);
        }
    }

    private static void delete(Path run) {
        try {
            Files.deleteIfExists(run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry added, in order; call once, after the last add. */
    Iterator<Entry> sorted() {
        if (runs.isEmpty()) {
            buffer.sort(order);
            return buffer.iterator();
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        return merge();
    }

    private Iterator<Entry> merge() {
        PriorityQueue<RunReader> heads = new PriorityQueue<>((a, b) -> order.compare(a.head, b.head));
        for (Path run : runs) {
            RunReader reader = new RunReader(run);
            if (reader.advance()) {
                heads.add(reader);
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public Entry next() {
                RunReader reader = heads.poll();
                if (reader == null) {
                    throw new NoSuchElementException();
                }
                Entry entry = reader.head;
                if (reader.advance()) {
                    heads.add(reader);
                }
                return entry;
            }
        };
    }

    @Override
    public void close() {
        runs.forEach(SpillingSorter::delete);
    }

    private static final class RunReader {
        private final DataInputStream in;
        private Entry head;

        RunReader(Path run) {
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), READ_BUFFER));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean advance() {
            try {
                head = new Entry(in.readUTF(), in.readLong());
                return true;
            } catch (EOFException end) {
                close();
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
