package dev.kappa.jobs.ingest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.core.fs.Path;

import dev.kappa.common.config.ConfigException;

/**
 * Turns {@code --files} arguments into paths for the file source. A glob in the last path segment
 * ({@code /dumps/2026-*.json}) is expanded here, on the submitting machine, so it must name a local
 * or mounted directory; any other argument (a file, a directory, an s3:// or hdfs:// URI) is handed
 * to Flink as it is, and directories are read recursively.
 */
final class FilePaths {

    private FilePaths() {
    }

    static List<Path> expand(List<String> specs) {
        List<Path> out = new ArrayList<>();
        for (String spec : specs) {
            if (!isGlob(spec)) {
                out.add(existing(qualified(spec)));
                continue;
            }
            java.nio.file.Path pattern = Paths.get(spec);
            java.nio.file.Path dir = pattern.getParent() == null ? Paths.get(".") : pattern.getParent();
            if (isGlob(dir.toString())) {
                throw new ConfigException("--files " + spec + ": a glob may only appear in the file name");
            }
            List<Path> matched = new ArrayList<>();
            try (DirectoryStream<java.nio.file.Path> entries =
                    Files.newDirectoryStream(dir, pattern.getFileName().toString())) {
                for (java.nio.file.Path entry : entries) {
                    if (Files.isRegularFile(entry)) {
                        matched.add(qualified(entry.toString()));
                    }
                }
            } catch (IOException e) {
                throw new ConfigException("--files " + spec + ": cannot list " + dir + ": " + e.getMessage());
            }
            if (matched.isEmpty()) {
                throw new ConfigException("--files " + spec + ": no file matches");
            }
            matched.sort(null);
            out.addAll(matched);
        }
        return out;
    }

    /** Local paths become absolute file: URIs, so dead letters name the file the same way however it was given. */
    private static Path qualified(String spec) {
        Path path = new Path(spec);
        return path.toUri().getScheme() != null ? path : new Path(Paths.get(spec).toAbsolutePath().normalize().toUri());
    }

    private static Path existing(Path path) {
        try {
            if (!path.getFileSystem().exists(path)) {
                throw new ConfigException("--files " + path + ": no such file or directory");
            }
        } catch (IOException e) {
            throw new ConfigException("--files " + path + ": cannot check it: " + e.getMessage());
        }
        return path;
    }

    private static boolean isGlob(String spec) {
        return spec.indexOf('*') >= 0 || spec.indexOf('?') >= 0 || spec.indexOf('[') >= 0 || spec.indexOf('{') >= 0;
    }
}
