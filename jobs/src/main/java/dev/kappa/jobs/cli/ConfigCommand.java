package dev.kappa.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Shows the effective configuration: every key, its value (secrets masked), origin and meaning. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every config key with its effective value, where it came from, and what it does.")
final class ConfigCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Override
    public void run() {
        System.out.print(config.load().describe());
    }
}
