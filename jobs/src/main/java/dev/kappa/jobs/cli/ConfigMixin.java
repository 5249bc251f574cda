package dev.kappa.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.kappa.common.config.KappaConfig;
import picocli.CommandLine.Option;

/** {@code --conf} and {@code --set}, shared by every command. */
public final class ConfigMixin {

    @Option(names = "--conf", paramLabel = "FILE",
            description = "YAML config file, e.g. conf/local.yaml. Without it: built-in defaults "
                    + "(Kafka on 127.0.0.1:9092). 'kappa config' lists every key.")
    Path conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one config key, e.g. --set checkpoint.interval=5s. Repeatable; wins over --conf.")
    List<String> overrides = new ArrayList<>();

    public KappaConfig load() {
        return KappaConfig.load(conf, overrides, AllOptions.list());
    }

    /** The same, with extra overrides applied first so that the user's --set still wins. */
    public KappaConfig load(List<String> defaults) {
        List<String> all = new ArrayList<>(defaults);
        all.addAll(overrides);
        return KappaConfig.load(conf, all, AllOptions.list());
    }
}
