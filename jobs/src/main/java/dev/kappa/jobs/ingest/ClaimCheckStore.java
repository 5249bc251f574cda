package dev.kappa.jobs.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps record values too large for a dead-letter topic whole, in files named by their content under
 * {@code ingest.claim-check-dir} (its SHA-256, or for a sealed value a keyed hash of the plain value);
 * the dead letter carries the file's URI instead. Named by content, a value kept twice (a restart
 * re-reading it) is one file, and a file once there is complete: it is written under a temporary
 * name and renamed.
 */
public final class ClaimCheckStore implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClaimCheckStore.class);

    private final String directory;

    public ClaimCheckStore(String directory) {
        this.directory = directory;
    }

    /** Keeps {@code bytes}; returns the URI of the file that holds them. */
    public String keep(byte[] bytes) {
        return keep(bytes, null);
    }

    /** Keeps {@code bytes}, sealed by {@code sealer} if not null; returns the URI of the file. */
    public String keep(byte[] bytes, DeadLetterSeal.Sealer sealer) {
        try (Claim claim = new Claim(new Path(directory), sealer)) {
            claim.write(bytes, 0, bytes.length);
            return claim.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a " + bytes.length + "-byte value under " + directory
                    + ": check that ingest.claim-check-dir is writable", e);
        }
    }

    /** The size of a claim-check file, to check before reading it whole. */
    public static long length(String uri) throws IOException {
        Path path = new Path(uri);
        return path.getFileSystem().getFileStatus(path).getLen();
    }

    /** The bytes a claim-check file holds. */
    public static byte[] read(String uri) throws IOException {
        Path path = new Path(uri);
        try (var in = path.getFileSystem().open(path)) {
            return in.readAllBytes();
        }
    }

    /** A value written piece by piece, for one too large to hold in memory. */
    public Claim open() throws IOException {
        return new Claim(new Path(directory), null);
    }

    /** The same, sealed as it is written (PII fields configured). */
    public Claim open(DeadLetterSeal.Sealer sealer) throws IOException {
        return new Claim(new Path(directory), sealer);
    }

    /** One value being written; {@link #commit} names it by its content. */
    public static final class Claim implements AutoCloseable {
        private final FileSystem fs;
        private final Path directory;
        private final Path temporary;
        private final FSDataOutputStream out;
        private final MessageDigest sha256;
        private final DeadLetterSeal.Sealer sealer;
        private long size;
        private boolean committed;

        private Claim(Path directory, DeadLetterSeal.Sealer sealer) throws IOException {
            this.fs = directory.getFileSystem();
            this.directory = directory;
            this.temporary = new Path(directory, ".in-progress-" + UUID.randomUUID());
            fs.mkdirs(directory);
            this.out = fs.create(temporary, FileSystem.WriteMode.NO_OVERWRITE);
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.sealer = sealer;
            if (sealer != null) {
                stored(sealer.iv(), 0, sealer.iv().length);
            }
        }

        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (sealer == null) {
                stored(bytes, offset, length);
            } else {
                byte[] sealed = sealer.update(bytes, offset, length);
                stored(sealed, 0, sealed.length);
            }
        }

        private void stored(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            sha256.update(bytes, offset, length);
            size += length;
        }

        public long size() {
            return size;
        }

        /** Makes the value durable under its content's name and returns that file's URI. */
        public String commit() throws IOException {
            if (sealer != null) {
                byte[] tail = sealer.finish(new byte[0], 0, 0);
                stored(tail, 0, tail.length);
            }
            out.sync();
            out.close();
            Path target = new Path(directory, sealer == null ? "sha256-" + HexFormat.of().formatHex(sha256.digest())
                    : "hmac-sha256-" + HexFormat.of().formatHex(sealer.name().doFinal()));
            if (fs.exists(target)) {
                fs.delete(temporary, false);
            } else if (!fs.rename(temporary, target) && !fs.exists(target)) {
                throw new IOException("cannot rename " + temporary + " to " + target);
            }
            committed = true;
            LOG.info("Kept a {}-byte value too large for its dead letter at {}", size, target);
            return target.toUri().toString();
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                fs.delete(temporary, false);
            }
        }
    }
}
