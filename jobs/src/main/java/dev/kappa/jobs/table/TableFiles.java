package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import dev.kappa.common.event.EventFields;

/** How the table's Parquet files are encoded: codec, row-group and page sizes, from the settings. */
public final class TableFiles implements Serializable {

    private final TableFileSettings settings;

    public TableFiles(TableFileSettings settings) {
        this.settings = settings;
    }

    /**
     * Writers for the FileSink: one {@link TableRowWriteSupport}, hence one provenance, per file. A
     * writer starts its file at the first row: FileSink opens a compacting file with this factory too,
     * and {@link TableFileCompactor} writes that whole file itself, so a writer that is given no row
     * must leave the stream untouched (Parquet's own writer would add a magic and an empty footer).
     */
    public BulkWriter.Factory<TableRow> writerFactory() {
        TableFileSettings fileSettings = settings;
        return out -> new FromFirstRow(out, fileSettings);
    }

    private static final class FromFirstRow implements BulkWriter<TableRow> {

        private final OutputStream out;
        private final TableFileSettings settings;
        private ParquetWriter<TableRow> writer;

        FromFirstRow(OutputStream out, TableFileSettings settings) {
            this.out = out;
            this.settings = settings;
        }

        @Override
        public void addElement(TableRow row) throws IOException {
            if (writer == null) {
                writer = writer(outputFile(out), settings);
            }
            writer.write(row);
        }

        @Override
        public void flush() {
            // a Parquet file cannot be flushed midway: rows are buffered until a row group is full
        }

        @Override
        public void finish() throws IOException {
            if (writer != null) {
                writer.close();
            }
        }
    }

    /** A stream FileSink owns as Parquet's output file: Parquet may write and flush it, never close it. */
    static OutputFile outputFile(OutputStream out) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) {
                return new PositionOutputStream() {
                    private long position;

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
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        out.write(bytes, offset, length);
                        position += length;
                    }

                    @Override
                    public void flush() throws IOException {
                        out.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        out.flush();
                    }
                };
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                return create(blockSizeHint);
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
    }

    /** One file as the table writes it, outside Flink too (the benchmark's plain-writer baseline). */
    public static ParquetWriter<TableRow> writer(OutputFile out, TableFileSettings settings) throws IOException {
        return new RowWriterBuilder(out, settings)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(SharedCodecs.INSTANCE)
                .withCompressionCodec(codec(settings.compression()))
                .withRowGroupSize(settings.rowGroupSize())
                .withPageSize(settings.pageSize())
                // Every row has its own id, time, offset and payload: a dictionary of them only costs
                // hashing before Parquet falls back to plain encoding, and min/max of payload JSON
                // text prunes nothing. The profiler showed both at about an eighth of the writer.
                .withDictionaryEncoding(EventFields.EVENT_ID, false)
                .withDictionaryEncoding(EventFields.EVENT_TIME, false)
                .withDictionaryEncoding(EventFields.PAYLOAD, false)
                .withDictionaryEncoding(TableSchema.LOG_OFFSET, false)
                .withStatisticsEnabled(EventFields.PAYLOAD, false)
                .build();
    }

    static CompressionCodecName codec(Compression compression) {
        return switch (compression) {
            case ZSTD -> CompressionCodecName.ZSTD;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case NONE -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    private static final class RowWriterBuilder extends ParquetWriter.Builder<TableRow, RowWriterBuilder> {

        private final TableFileSettings settings;

        RowWriterBuilder(OutputFile file, TableFileSettings settings) {
            super(file);
            this.settings = settings;
        }

        @Override
        protected RowWriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<TableRow> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new TableRowWriteSupport(settings.schema(), settings.table(), settings.version());
        }

        @Override
        protected WriteSupport<TableRow> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
            return new TableRowWriteSupport(settings.schema(), settings.table(), settings.version());
        }
    }
}
