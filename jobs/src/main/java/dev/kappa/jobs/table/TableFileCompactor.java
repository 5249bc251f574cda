package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.connector.file.sink.compactor.OutputStreamBasedFileCompactor;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.schema.MessageType;

/**
 * FileSink compaction of table files. Files written with the table's current schema are merged by
 * copying their row groups as they are (no decoding, no re-encoding) and combining their footers'
 * provenance; re-encoding every row cost a third of the columnar job's CPU. Files of another schema
 * (written before a restore with changed columns) are rewritten row by row through the current
 * writer, so the compacted file always has the current schema. The price of copying: a compacted
 * file keeps the row groups of its pieces, one per checkpoint at most, instead of one large one.
 */
public final class TableFileCompactor extends OutputStreamBasedFileCompactor {

    private static final long serialVersionUID = 1L;

    private final TableFileSettings settings;

    public TableFileCompactor(TableFileSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void doCompact(List<Path> inputFiles, OutputStream out) throws Exception {
        MessageType schema = settings.schema().messageType();
        List<ParquetFileReader> readers = new ArrayList<>();
        try {
            boolean sameSchema = true;
            for (Path file : inputFiles) {
                ParquetFileReader reader = TableFileReader.open(file);
                readers.add(reader);
                sameSchema &= reader.getFileMetaData().getSchema().equals(schema);
            }
            if (sameSchema) {
                copyRowGroups(readers, schema, out);
                return;
            }
        } finally {
            for (ParquetFileReader reader : readers) {
                reader.close();
            }
        }
        rewriteRows(inputFiles, out);
    }

    private void copyRowGroups(List<ParquetFileReader> readers, MessageType schema, OutputStream out)
            throws IOException {
        List<Map<String, String>> footers = new ArrayList<>();
        ParquetFileWriter writer = new ParquetFileWriter(TableFiles.outputFile(out), schema,
                ParquetFileWriter.Mode.CREATE, settings.rowGroupSize(), 0);
        writer.start();
        for (ParquetFileReader reader : readers) {
            footers.add(reader.getFileMetaData().getKeyValueMetaData());
            reader.appendTo(writer);
        }
        writer.end(FileProvenance.combine(footers));
    }

    private void rewriteRows(List<Path> inputFiles, OutputStream out) throws IOException {
        try (ParquetWriter<TableRow> writer = TableFiles.writer(TableFiles.outputFile(out), settings)) {
            for (Path file : inputFiles) {
                try (TableRowReader reader = new TableRowReader(file)) {
                    TableRow row;
                    while ((row = reader.read()) != null) {
                        writer.write(row);
                    }
                }
            }
        }
    }
}
