package dev.kappa.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.jobs.table.AuditMismatchException;
import dev.kappa.jobs.table.AuditReport;
import dev.kappa.jobs.table.TableAudit;
import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Reconciles a table version with the log. */
@Command(name = "audit",
        description = {"Reconcile a table version with the stretch of the log it was built from: ids missing from "
                + "the table, ids in more than one row, rows that point at no such log record. Prints a JSON "
                + "report; exits 1 if anything is off, naming the ids.",
                "A replay's range is the one it recorded; a live version's is taken from its files' footers, "
                + "so audit it once its job has stopped."})
final class AuditCommand implements Runnable {

    @Mixin
    TableMixin table;

    @Mixin
    VersionMixin version;

    @Override
    public void run() {
        KappaConfig config = table.load();
        try (TableVersions versions = TableMixin.versions(config)) {
            int number = version.resolve(versions);
            AuditReport report = TableAudit.run(KafkaSettings.from(config), config.get(CommonOptions.TOPIC_DLQ),
                    versions, number);
            System.out.println(report.toJson());
            if (!report.ok()) {
                throw new AuditMismatchException(report);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
