package dev.kappa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LoggedEventDeserializer;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.table.TableFiles;
import dev.kappa.jobs.table.TableRow;

/**
 * The Parquet limit: one thread writing the same rows, already in memory, with the table's own
 * writer (schema, codec, row-group and page sizes) into one file. No Kafka, no Flink, no partitions.
 */
final class PlainParquet {

    private final List<TableRow> rows = new ArrayList<>();

    /** Reads {@code topic} (as the columnar job would, read_committed) into memory once. */
    PlainParquet(KafkaSettings kafka, String topic) {
        List<LoggedEvent> events = new ArrayList<>();
        LoggedEventDeserializer deserializer = new LoggedEventDeserializer();
        ListCollector<LoggedEvent> collector = new ListCollector<>(events);
        KafkaTopicReader.readAll(kafka, topic, Duration.ofMinutes(10),
                record -> deserializer.deserialize(record, collector));
        events.forEach(event -> rows.add(new TableRow(event, false)));
    }

    int rows() {
        return rows.size();
    }

    /** Writes every row to {@code file}; returns rows per second. */
    double write(ColumnarSettings settings, Path file) throws IOException {
        Files.deleteIfExists(file);
        long started = System.nanoTime();
        try (ParquetWriter<TableRow> writer = TableFiles.writer(new LocalOutputFile(file), settings.files())) {
            for (TableRow row : rows) {
                writer.write(row);
            }
        }
        return rows.size() / ((System.nanoTime() - started) / 1e9);
    }
}
