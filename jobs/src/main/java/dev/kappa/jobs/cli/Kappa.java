package dev.kappa.jobs.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.SecretValues;
import dev.kappa.common.kafka.LogGapException;
import dev.kappa.jobs.table.AuditMismatchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The one entry point: {@code deploy/kappa <command>} locally, {@code flink run kappa-jobs.jar
 * <command>} on a cluster. Exit codes: 0 success, 1 failure, 2 bad usage or configuration; the
 * reason is one line on stderr, the stack trace goes to the log.
 */
@Command(name = "kappa", mixinStandardHelpOptions = true, version = "kappa 0.1.0",
        description = "Kappa-architecture pipeline on Apache Flink: ingest -> dedup -> columnar, replayable.",
        subcommands = {DemoCommand.class, IngestCommand.class, DedupCommand.class, ColumnarCommand.class,
                ReplayCommand.class, TableCommand.class, AuditCommand.class, GenerateCommand.class,
                QueryCommand.class, TopicsCommand.class, DlqCommand.class, StatusCommand.class, ConfigCommand.class})
public final class Kappa implements Runnable {

    public static final int FAILED = 1;
    public static final int BAD_CONFIG = 2;

    private static final Logger LOG = LoggerFactory.getLogger(Kappa.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Kappa());
        // a mistyped option echoes the whole command line, --set kafka.properties.sasl.jaas.config=... included
        SecretValues.rememberSettings(args);
        commandLine.setParameterExceptionHandler((failure, parsed) -> {
            CommandLine cmd = failure.getCommandLine();
            cmd.getErr().println(SecretValues.mask(failure.getMessage()));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(failure, cmd.getErr())) {
                cmd.usage(cmd.getErr());
            }
            return BAD_CONFIG;
        });
        commandLine.setExecutionExceptionHandler((failure, cmd, parsed) -> {
            Throwable reason = rootCause(failure);
            // "kappa table drop", not just "drop"
            String command = cmd.getCommandSpec().qualifiedName();
            LOG.error("{} failed", command, failure);
            cmd.getErr().println(command + ": " + oneLine(reason));
            return reason instanceof ConfigException || reason instanceof IllegalArgumentException ? BAD_CONFIG : FAILED;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Flink wraps job failures several levels deep; the user needs the innermost reason. */
    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof ConfigException)
                && !(cause instanceof LogGapException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String oneLine(Throwable reason) {
        boolean userFacing = reason instanceof ConfigException || reason instanceof IllegalArgumentException
                || reason instanceof AuditMismatchException || reason instanceof LogGapException;
        String message = userFacing && reason.getMessage() != null ? reason.getMessage() : reason.toString();
        return SecretValues.mask(message).replace('\n', ' ');
    }
}
