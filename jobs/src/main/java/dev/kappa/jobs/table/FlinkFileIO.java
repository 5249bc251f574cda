package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Iceberg's file access through Flink's file systems: the catalog's metadata lives wherever the
 * FileSink writes the data (file://, s3:// through Flink's S3 plugin, hdfs://), with no second
 * file-system stack (Hadoop's) to configure and keep in step.
 */
public final class FlinkFileIO implements FileIO {

    @Override
    public InputFile newInputFile(String location) {
        return new Input(location, -1);
    }

    @Override
    public InputFile newInputFile(String location, long length) {
        return new Input(location, length);
    }

    @Override
    public OutputFile newOutputFile(String location) {
        return new Output(location);
    }

    @Override
    public void deleteFile(String location) {
        Path path = new Path(location);
        try {
            path.getFileSystem().delete(path, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + location, e);
        }
    }

    private static FileSystem fileSystem(Path path) {
        try {
            return path.getFileSystem();
        } catch (IOException e) {
            throw new UncheckedIOException("no file system for " + path, e);
        }
    }

    private record Input(String location, long knownLength) implements InputFile {

        @Override
        public long getLength() {
            if (knownLength >= 0) {
                return knownLength;
            }
            Path path = new Path(location);
            try {
                return fileSystem(path).getFileStatus(path).getLen();
            } catch (java.io.FileNotFoundException e) {
                throw new NotFoundException(e, "%s does not exist", location);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public SeekableInputStream newStream() {
            Path path = new Path(location);
            try {
                return new Seekable(fileSystem(path).open(path));
            } catch (java.io.FileNotFoundException e) {
                throw new NotFoundException(e, "%s does not exist", location);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + location, e);
            }
        }

        @Override
        public boolean exists() {
            Path path = new Path(location);
            try {
                return fileSystem(path).exists(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Output(String location) implements OutputFile {

        @Override
        public PositionOutputStream create() {
            Path path = new Path(location);
            try {
                if (fileSystem(path).exists(path)) {
                    throw new AlreadyExistsException("%s already exists", location);
                }
                return new Positioned(fileSystem(path).create(path, FileSystem.WriteMode.NO_OVERWRITE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + location, e);
            }
        }

        @Override
        public PositionOutputStream createOrOverwrite() {
            Path path = new Path(location);
            try {
                return new Positioned(fileSystem(path).create(path, FileSystem.WriteMode.OVERWRITE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + location, e);
            }
        }

        @Override
        public InputFile toInputFile() {
            return new Input(location, -1);
        }
    }

    private static final class Seekable extends SeekableInputStream {

        private final FSDataInputStream in;

        Seekable(FSDataInputStream in) {
            this.in = in;
        }

        @Override
        public long getPos() throws IOException {
            return in.getPos();
        }

        @Override
        public void seek(long newPos) throws IOException {
            in.seek(newPos);
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Counts what it writes: Iceberg asks a manifest's length after closing its stream. */
    private static final class Positioned extends PositionOutputStream {

        private final FSDataOutputStream out;
        private long position;

        Positioned(FSDataOutputStream out) {
            this.out = out;
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            position += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
