package dev.kappa.jobs.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.kappa.common.config.ConfigException;

/**
 * The demo's warehouse directory: kept after the demo so its table can be queried, replaced by
 * the next demo, and never anything else. A marker file says a directory is the demo's own.
 */
final class DemoWarehouse {

    private static final String MARKER = ".kappa-demo-warehouse";

    private DemoWarehouse() {
    }

    static void prepare(Path warehouse) {
        try {
            if (Files.exists(warehouse)) {
                if (!Files.exists(warehouse.resolve(MARKER))) {
                    try (Stream<Path> entries = Files.list(warehouse)) {
                        if (entries.findAny().isPresent()) {
                            throw new ConfigException("--warehouse " + warehouse + " is not empty and was not made "
                                    + "by the demo; choose another directory");
                        }
                    }
                }
                try (Stream<Path> paths = Files.walk(warehouse)) {
                    paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(warehouse))
                            .forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(warehouse);
            Files.createFile(warehouse.resolve(MARKER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the demo warehouse " + warehouse, e);
        }
    }
}
