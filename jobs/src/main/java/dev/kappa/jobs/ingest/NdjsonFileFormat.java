package dev.kappa.jobs.ingest;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import dev.kappa.common.event.RawRecord;

/**
 * Newline-delimited JSON dumps, one {@link RawRecord} per line with its byte offset. A line's
 * fallback id is {@code file-<content hash>-<byte offset>}: re-sending the same file (under any
 * name) yields the same ids, so the dedup stage removes the repeat, while two different files can
 * never share one. A line longer than the record limit is streamed whole into a claim-check file
 * instead of memory, and its record carries only that file's URI; the normalizer dead-letters it
 * as too_large.
 */
public final class NdjsonFileFormat implements BulkFormat<RawRecord, FileSourceSplit> {

    private static final int BATCH_SIZE = 512;
    private static final int READ_BUFFER = 1 << 20;
    private static final int ID_HASH_HEX_CHARS = 32;
    private static final Pattern LINE_ID = Pattern.compile("file-[0-9a-f]{" + ID_HASH_HEX_CHARS + "}-[0-9]{1,19}");

    private final IngestSettings settings;

    public NdjsonFileFormat(IngestSettings settings) {
        this.settings = settings;
    }

    @Override
    public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return new LineReader(split, settings);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return new LineReader(split, settings);
    }

    @Override
    public boolean isSplittable() {
        // The id scheme needs the whole file's hash and line offsets from its start.
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    /** True for an id this format gives a line ({@code file-<content hash>-<byte offset>}). */
    static boolean isLineId(String id) {
        return LINE_ID.matcher(id).matches();
    }

    static String contentHash(Path path) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        FileSystem fs = path.getFileSystem();
        try (InputStream in = new DigestInputStream(fs.open(path), sha256)) {
            byte[] buffer = new byte[READ_BUFFER];
            while (in.read(buffer) != -1) {
                // Reading is all DigestInputStream needs.
            }
        }
        return HexFormat.of().formatHex(sha256.digest()).substring(0, ID_HASH_HEX_CHARS);
    }

    private static final class LineReader implements Reader<RawRecord> {

        private final String file;
        private final String idPrefix;
        private final int maxRecordBytes;
        private final ClaimCheckStore claimChecks;
        /** Set when PII fields are configured: an overlong line may hold them, so it is kept sealed. */
        private final DeadLetterSeal seal;
        private final FSDataInputStream stream;
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        private long offset;

        LineReader(FileSourceSplit split, IngestSettings settings) throws IOException {
            Path path = split.path();
            this.file = path.toString();
            this.idPrefix = "file-" + contentHash(path) + "-";
            this.maxRecordBytes = settings.policy().maxRecordBytes();
            this.claimChecks = settings.claimChecks();
            this.seal = DeadLetterSeal.of(settings);
            CheckpointedPosition position = split.getReaderPosition()
                    .orElse(new CheckpointedPosition(0, 0));
            this.stream = path.getFileSystem().open(path);
            this.stream.seek(position.getOffset());
            this.in = new BufferedInputStream(stream, READ_BUFFER);
            this.offset = position.getOffset();
            for (long skip = position.getRecordsAfterOffset(); skip > 0; skip--) {
                skipLine();
            }
        }

        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            long batchStart = offset;
            RawRecord[] batch = new RawRecord[BATCH_SIZE];
            int count = 0;
            while (count < BATCH_SIZE) {
                RawRecord record = next();
                if (record == null) {
                    break;
                }
                batch[count++] = record;
            }
            if (count == 0) {
                return null;
            }
            // Positions count records after batchStart, which restore replays by skipping lines.
            ArrayResultIterator<RawRecord> iterator = new ArrayResultIterator<>();
            iterator.set(batch, count, batchStart, 0);
            return iterator;
        }

        /** The next line (without its '\n') as a record, or null at the end of the file. */
        private RawRecord next() throws IOException {
            long lineStart = offset;
            line.reset();
            boolean any = false;
            int b;
            while ((b = in.read()) != -1) {
                any = true;
                offset++;
                if (b == '\n') {
                    break;
                }
                line.write(b);
                if (line.size() > maxRecordBytes) {
                    return claimRestOfLine(lineStart);
                }
            }
            return any ? RawRecord.fromFile(file, lineStart, line.toByteArray(), idPrefix + lineStart) : null;
        }

        /** Streams an overlong line into a claim-check file rather than into memory. */
        private RawRecord claimRestOfLine(long lineStart) throws IOException {
            try (ClaimCheckStore.Claim claim = seal == null ? claimChecks.open() : claimChecks.open(seal.sealer())) {
                claim.write(line.toByteArray(), 0, line.size());
                byte[] chunk = new byte[8192];
                int filled = 0;
                int b;
                while ((b = in.read()) != -1) {
                    offset++;
                    if (b == '\n') {
                        break;
                    }
                    chunk[filled++] = (byte) b;
                    if (filled == chunk.length) {
                        claim.write(chunk, 0, filled);
                        filled = 0;
                    }
                }
                claim.write(chunk, 0, filled);
                return RawRecord.fromFile(file, lineStart, null, idPrefix + lineStart).withValueClaimed(claim.commit());
            }
        }

        /** Passes a line already emitted before a restore. */
        private void skipLine() throws IOException {
            int b;
            while ((b = in.read()) != -1) {
                offset++;
                if (b == '\n') {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
