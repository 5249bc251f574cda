package dev.kappa.jobs.table;

import java.io.IOException;
import java.util.Map;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetInputFile;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/** Opens table files through Flink's file systems, so the warehouse may be local, S3 or HDFS alike. */
public final class TableFileReader {

    private TableFileReader() {
    }

    /** The file's reader; closing it closes the underlying stream. */
    public static ParquetFileReader open(Path path) throws IOException {
        FileSystem fs = path.getFileSystem();
        long length = fs.getFileStatus(path).getLen();
        FSDataInputStream in = fs.open(path);
        try {
            return ParquetFileReader.open(new ParquetInputFile(in, length),
                    ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw new IOException("cannot read Parquet file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Receives the records of a file, with the file's schema. */
    public interface RecordAction {
        void accept(MessageType schema, Group record) throws IOException;
    }

    /** Every record of the file, row group by row group, as Parquet's generic {@link Group}s. */
    public static void forEachRecord(Path path, RecordAction action) throws IOException {
        try (Records records = new Records(path)) {
            Group record;
            while ((record = records.next()) != null) {
                action.accept(records.schema(), record);
            }
        }
    }

    /** A file's records, one at a time, for readers that pull. */
    public static final class Records implements AutoCloseable {

        private final ParquetFileReader reader;
        private final MessageType schema;
        private final MessageColumnIO columns;
        private RecordReader<Group> rowGroup;
        private long leftInRowGroup;

        public Records(Path path) throws IOException {
            this.reader = open(path);
            this.schema = reader.getFileMetaData().getSchema();
            this.columns = new ColumnIOFactory().getColumnIO(schema);
        }

        public MessageType schema() {
            return schema;
        }

        public Map<String, String> metadata() {
            return reader.getFileMetaData().getKeyValueMetaData();
        }

        /** The next record, or null after the last. */
        public Group next() throws IOException {
            while (leftInRowGroup == 0) {
                PageReadStore pages = reader.readNextRowGroup();
                if (pages == null) {
                    return null;
                }
                rowGroup = columns.getRecordReader(pages, new GroupRecordConverter(schema));
                leftInRowGroup = pages.getRowCount();
            }
            leftInRowGroup--;
            return rowGroup.read();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** The footer's key-value metadata ({@link FileProvenance}) of one file. */
    public static Map<String, String> metadata(Path path) throws IOException {
        try (ParquetFileReader reader = open(path)) {
            return reader.getFileMetaData().getKeyValueMetaData();
        }
    }
}
