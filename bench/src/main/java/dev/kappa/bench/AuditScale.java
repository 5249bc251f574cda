package dev.kappa.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.kafka.EventTimeHeader;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LocalKafkaBroker;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.cli.Kappa;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.TableFiles;
import dev.kappa.jobs.table.TableRow;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kappa audit} at scale in a small heap: a log of N events on a real broker and a table
 * version holding each of them once (Parquet files written directly, committed through the
 * writer's own path), then the audit in a child JVM with {@code --heap}, next to a plain consumer
 * reading the same log (the audit cannot be faster than reading it). Prints time per million
 * events and the heap the audit's GC log shows.
 */
@Command(name = "audit-scale", mixinStandardHelpOptions = true,
        description = "Audit a table of N events in a small heap; compare with reading the log alone.")
public final class AuditScale implements Callable<Integer> {

    private static final int PARTITIONS = 2;
    private static final int ROWS_PER_FILE = 1_000_000;
    /** A GC log line's heap before and after the collection. */
    private static final Pattern HEAP_AT_GC = Pattern.compile("Pause.* (\\d+)M->(\\d+)M\\(\\d+M\\)");

    @Option(names = "--events", defaultValue = "10000000", description = "Events (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--heap", defaultValue = "512m", description = "The audit's -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--out", defaultValue = "bench/results/audit-scale",
            description = "Where results go (default ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AuditScale()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("kappa-audit-scale-");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(work.resolve("kafka"))) {
            String topic = "audit-log";
            KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
            try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
                admin.createTopicsIfMissing(List.of(topic, "audit-dlq"), PARTITIONS, 1);
            }
            List<String> settings = List.of("kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "topics.unique=" + topic, "topics.dlq=audit-dlq", "columnar.warehouse=" + work.resolve("warehouse").toUri());
            long began = System.nanoTime();
            produce(kafka, topic);
            System.err.printf("audit-scale: %,d events on the log in %.0f s%n", events, seconds(began));
            began = System.nanoTime();
            writeTable(KappaConfig.load(null, settings, AllOptions.list()), topic);
            System.err.printf("audit-scale: the table in %.0f s%n", seconds(began));

            began = System.nanoTime();
            long[] read = {0};
            KafkaTopicReader.readAll(kafka, topic, java.time.Duration.ofMinutes(30), record -> read[0]++);
            double readSeconds = seconds(began);

            Path gcLog = work.resolve("audit-gc.log");
            List<String> args = new ArrayList<>(List.of("audit", "--version", "v1"));
            settings.forEach(s -> args.addAll(List.of("--set", s)));
            began = System.nanoTime();
            ChildJvm.run(work.resolve("audit.log"), heap, List.of("-Xlog:gc:file=" + gcLog), Kappa.class.getName(),
                    args);
            double auditSeconds = seconds(began);
            double[] heapMb = heapMb(gcLog);

            double millions = events / 1e6;
            Report report = new Report("audit scale", List.of(
                    new Comparison("audit, s per million events", "s", List.of(auditSeconds / millions),
                            "reading the log alone", List.of(readSeconds / millions), null, null),
                    new Comparison("audit heap, most live after a GC", "MB", List.of(heapMb[1]), "-Xmx",
                            List.of((double) parseMegabytes(heap)), null, null),
                    new Comparison("audit heap, most in use before a GC", "MB", List.of(heapMb[0]), "-Xmx",
                            List.of((double) parseMegabytes(heap)), null, null)));
            System.out.printf("%s%n", report.markdown());
            report.write(out, "Measured on " + Instant.now() + ": kappa audit of " + events + " events in " + PARTITIONS
                    + " log partitions with -Xmx" + heap + "; the log read once with a plain consumer before.");
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
        return 0;
    }

    /** Record i goes to partition i % PARTITIONS at offset i / PARTITIONS: no transactions, so offsets are dense. */
    private void produce(KafkaSettings kafka, String topic) {
        Properties props = kafka.toProperties();
        props.putAll(KafkaTools.RAW_PRODUCER);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < events; i++) {
                String id = id(i);
                long time = eventTime(i);
                producer.send(new ProducerRecord<>(topic, (int) (i % PARTITIONS), null, id.getBytes(StandardCharsets.UTF_8),
                        json(id, time), EventTimeHeader.of(time)));
            }
            producer.flush();
        }
    }

    private void writeTable(KappaConfig config, String topic) throws Exception {
        ColumnarSettings configured = ColumnarSettings.from(config);
        try (TableVersions versions = TableVersions.open(configured.catalog(), configured.table())) {
            ColumnarSettings settings = ColumnarJob.registerVersion(versions, configured, "audit-scale", topic);
            VersionWriter writer = new VersionWriter(versions, settings.version());
            for (long first = 0, file = 0; first < events; first += ROWS_PER_FILE, file++) {
                long last = Math.min(events, first + ROWS_PER_FILE);
                String partition = HourPartitions.of(eventTime(first));
                Path path = Path.of(java.net.URI.create(settings.versionPath())).resolve(partition)
                        .resolve("part-" + file + ".parquet");
                Files.createDirectories(path.getParent());
                try (ParquetWriter<TableRow> rows = TableFiles.writer(new LocalOutputFile(path), settings.files())) {
                    for (long i = first; i < last; i++) {
                        String id = id(i);
                        rows.write(new TableRow(new LoggedEvent(new CanonicalEvent(id, eventTime(i), json(id, eventTime(i))),
                                topic, (int) (i % PARTITIONS), i / PARTITIONS), false));
                    }
                }
                writer.append(List.of(new VersionWriter.NewFile(path.toUri().toString(), partition)),
                        Map.of(VersionWriter.WRITER, "audit-scale", VersionWriter.CHECKPOINT, Long.toString(file)));
            }
        }
    }

    private static String id(long i) {
        return "evt-" + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "-" + i;
    }

    private static long eventTime(long i) {
        return 1_767_225_600_000L + i * 10;
    }

    private static byte[] json(String id, long time) {
        return ("{\"event_id\":\"" + id + "\",\"event_type\":\"view\",\"event_time\":\"" + Instant.ofEpochMilli(time)
                + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The most heap in use before a collection, and the most still live after one. */
    private static double[] heapMb(Path gcLog) throws Exception {
        double[] most = {0, 0};
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = HEAP_AT_GC.matcher(line);
            if (m.find()) {
                most[0] = Math.max(most[0], Double.parseDouble(m.group(1)));
                most[1] = Math.max(most[1], Double.parseDouble(m.group(2)));
            }
        }
        return most;
    }

    private static long parseMegabytes(String heap) {
        String h = heap.toLowerCase();
        long n = Long.parseLong(h.replaceAll("[^0-9]", ""));
        return h.endsWith("g") ? n * 1024 : h.endsWith("k") ? n / 1024 : n;
    }

    private static double seconds(long began) {
        return (System.nanoTime() - began) / 1e9;
    }
}
