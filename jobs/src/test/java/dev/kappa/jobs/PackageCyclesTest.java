package dev.kappa.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The suite's packages depend on each other one way only: commands (cli) on the jobs, the jobs on the
 * table, everything on common. A cycle means two packages can no longer change apart.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** Imports and fully qualified names alike: a class of another suite package. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.kappa(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../common/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    Matcher declared = PACKAGE.matcher(source);
                    assertThat(declared.find()).as("package of %s", file).isTrue();
                    String pkg = declared.group(1);
                    Set<String> targets = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                    Matcher reference = REFERENCE.matcher(source);
                    while (reference.find()) {
                        if (!reference.group(1).equals(pkg)) {
                            targets.add(reference.group(1));
                        }
                    }
                }
            }
        }
        assertThat(uses).containsKeys("dev.kappa.jobs.cli", "dev.kappa.jobs.table", "dev.kappa.jobs.columnar");
        List<List<String>> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            List<String> cycle = cycleThrough(start, uses);
            if (cycle != null) {
                cycles.add(cycle);
            }
        }
        assertThat(cycles).as("package cycles").isEmpty();
    }

    /** A path from {@code start} back to itself, if there is one. */
    private static List<String> cycleThrough(String start, Map<String, Set<String>> uses) {
        Deque<List<String>> paths = new ArrayDeque<>();
        paths.add(List.of(start));
        Set<String> seen = new HashSet<>();
        while (!paths.isEmpty()) {
            List<String> path = paths.poll();
            for (String next : uses.getOrDefault(path.get(path.size() - 1), Set.of())) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(start)) {
                    return longer;
                }
                if (seen.add(next)) {
                    paths.add(longer);
                }
            }
        }
        return null;
    }
}
