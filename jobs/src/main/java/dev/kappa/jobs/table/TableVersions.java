package dev.kappa.jobs.table;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.kappa.common.fs.AtomicFiles;

/**
 * The versions of one table: {@code <warehouse>/<table>/_CURRENT} names the published version and is
 * the only thing readers need; {@code _versions.json} beside it is the history. Both are replaced
 * atomically, so a reader sees the old pointer or the new one, never a partial one. Changes are
 * read-modify-write: run one managing command per table at a time.
 */
public final class TableVersions {

    public static final String CURRENT = "_CURRENT";
    public static final String HISTORY = "_versions.json";

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String table;
    private final String tablePath;
    private final Path directory;

    private TableVersions(String table, String tablePath) {
        this.table = table;
        this.tablePath = tablePath;
        this.directory = new Path(tablePath);
    }

    public static TableVersions of(String warehouse, String table) {
        String root = warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
        return new TableVersions(table, root + "/" + table);
    }

    public String table() {
        return table;
    }

    /** {@code <warehouse>/<table>/v<N>}, in the warehouse URI's own spelling. */
    public String versionPath(int version) {
        return tablePath + "/v" + version;
    }

    /** A version as users write it: {@code v2} or {@code 2}. */
    public static int parseVersion(String text) {
        if (!text.matches("v?[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("'" + text + "' is not a table version; write it like v2");
        }
        return Integer.parseInt(text.startsWith("v") ? text.substring(1) : text);
    }

    /** The history, oldest first. */
    public List<TableVersion> list() throws IOException {
        Path file = new Path(directory, HISTORY);
        FileSystem fs = file.getFileSystem();
        if (!fs.exists(file)) {
            return List.of();
        }
        try (InputStream in = fs.open(file)) {
            return List.of(JSON.readValue(in, History.class).versions().toArray(TableVersion[]::new));
        }
    }

    public Optional<TableVersion> get(int version) throws IOException {
        return list().stream().filter(v -> v.version() == version).findFirst();
    }

    public TableVersion require(int version) throws IOException {
        return get(version).orElseThrow(() -> new IllegalArgumentException(
                "table " + table + " has no version v" + version + " (kappa table list shows what it has)"));
    }

    /** The version readers are sent to, if any has been published. */
    public OptionalInt current() throws IOException {
        Path file = new Path(directory, CURRENT);
        FileSystem fs = file.getFileSystem();
        if (!fs.exists(file)) {
            return OptionalInt.empty();
        }
        String text;
        try (InputStream in = fs.open(file)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            text = bytes.toString(StandardCharsets.UTF_8).trim();
        }
        if (!text.matches("v[0-9]+")) {
            throw new IOException(file + " should name a version like v2, holds '" + text + "'");
        }
        return OptionalInt.of(Integer.parseInt(text.substring(1)));
    }

    /** One more than any version recorded or found on disk, so a new build never reuses a directory. */
    public int nextVersion() throws IOException {
        int highest = list().stream().mapToInt(TableVersion::version).max().orElse(0);
        FileSystem fs = directory.getFileSystem();
        if (fs.exists(directory)) {
            for (FileStatus child : fs.listStatus(directory)) {
                String name = child.getPath().getName();
                if (child.isDir() && name.matches("v[0-9]+")) {
                    highest = Math.max(highest, Integer.parseInt(name.substring(1)));
                }
            }
        }
        return highest + 1;
    }

    /** Records a new version; refuses one that is already recorded. */
    public void add(TableVersion version) throws IOException {
        List<TableVersion> versions = new ArrayList<>(list());
        if (versions.stream().anyMatch(v -> v.version() == version.version())) {
            throw new IllegalStateException("table " + table + " already has v" + version.version());
        }
        versions.add(version);
        write(versions);
    }

    public TableVersion update(int version, UnaryOperator<TableVersion> change) throws IOException {
        List<TableVersion> versions = new ArrayList<>(list());
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).version() == version) {
                TableVersion changed = change.apply(versions.get(i));
                versions.set(i, changed);
                write(versions);
                return changed;
            }
        }
        throw new IllegalArgumentException("table " + table + " has no version v" + version);
    }

    /**
     * Points readers at {@code version}: one atomic replace of {@code _CURRENT}, then the history
     * records the previous version as retired. Only a built version (ready, retired or already
     * published) can be published.
     */
    public void publish(int version) throws IOException {
        TableVersion target = require(version);
        if (target.state() == VersionState.BUILDING || target.state() == VersionState.DROPPED) {
            throw new IllegalArgumentException("cannot publish " + table + " v" + version + ": it is " + target.state().label()
                    + (target.state() == VersionState.BUILDING ? " (finish or resume its replay first)" : ""));
        }
        if ("failed".equals(target.audit())) {
            throw new IllegalArgumentException("cannot publish " + table + " v" + version + ": its audit failed "
                    + "(kappa audit --version v" + version + " shows why)");
        }
        OptionalInt previous = current();
        AtomicFiles.replace(new Path(directory, CURRENT), ("v" + version + "\n").getBytes(StandardCharsets.UTF_8));
        List<TableVersion> versions = new ArrayList<>();
        for (TableVersion v : list()) {
            if (v.version() == version) {
                versions.add(v.withState(VersionState.PUBLISHED));
            } else if (v.state() == VersionState.PUBLISHED
                    || (previous.isPresent() && v.version() == previous.getAsInt())) {
                versions.add(v.withState(VersionState.RETIRED));
            } else {
                versions.add(v);
            }
        }
        write(versions);
    }

    /** Publishes the version that was published before the current one; returns it. */
    public int rollback() throws IOException {
        int current = current().orElseThrow(() -> new IllegalArgumentException("table " + table + " has no published "
                + "version to roll back from"));
        TableVersion previous = list().stream()
                .filter(v -> v.state() == VersionState.RETIRED && v.version() != current)
                .max(Comparator.comparing(TableVersion::updated))
                .orElseThrow(() -> new IllegalArgumentException("table " + table + " has no retired version to roll "
                        + "back to"));
        publish(previous.version());
        return previous.version();
    }

    /** Deletes a version's files, keeping its history entry; the published version cannot be dropped. */
    public void drop(int version) throws IOException {
        TableVersion target = require(version);
        OptionalInt current = current();
        if (target.state() == VersionState.PUBLISHED || (current.isPresent() && current.getAsInt() == version)) {
            throw new IllegalArgumentException("refusing to drop " + table + " v" + version + ": it is the published "
                    + "version; publish another one (or roll back) first");
        }
        Path path = new Path(versionPath(version));
        path.getFileSystem().delete(path, true);
        update(version, v -> v.withState(VersionState.DROPPED));
    }

    /** One version's record as it stands in the history file. */
    public static byte[] toJson(TableVersion version) throws IOException {
        return JSON.writeValueAsBytes(version);
    }

    private void write(List<TableVersion> versions) throws IOException {
        AtomicFiles.replace(new Path(directory, HISTORY), JSON.writeValueAsBytes(new History(table, versions)));
    }

    /** The file's shape: the table's name, then its versions. */
    record History(String table, List<TableVersion> versions) {
    }
}
