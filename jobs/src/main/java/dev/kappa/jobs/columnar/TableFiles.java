package dev.kappa.jobs.columnar;

import java.io.IOException;
import java.io.Serializable;

import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

import dev.kappa.common.event.EventFields;

/** How the table's Parquet files are encoded: codec, row-group and page sizes, from the settings. */
public final class TableFiles implements Serializable {

    private final ColumnarSettings settings;

    TableFiles(ColumnarSettings settings) {
        this.settings = settings;
    }

    /** Writers for the FileSink: one {@link TableRowWriteSupport}, hence one provenance, per file. */
    ParquetWriterFactory<TableRow> writerFactory() {
        return new ParquetWriterFactory<>(out -> writer(out, settings));
    }

    /** One file as the table writes it, outside Flink too (the benchmark's plain-writer baseline). */
    public static ParquetWriter<TableRow> writer(OutputFile out, ColumnarSettings settings) throws IOException {
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

    static CompressionCodecName codec(ColumnarOptions.Compression compression) {
        return switch (compression) {
            case ZSTD -> CompressionCodecName.ZSTD;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case NONE -> CompressionCodecName.UNCOMPRESSED;
        };
    }

    private static final class RowWriterBuilder extends ParquetWriter.Builder<TableRow, RowWriterBuilder> {

        private final ColumnarSettings settings;

        RowWriterBuilder(OutputFile file, ColumnarSettings settings) {
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
