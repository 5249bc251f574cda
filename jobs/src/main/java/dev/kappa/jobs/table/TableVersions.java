package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.kappa.common.event.EventFields;

/**
 * The versions of one table, kept in its Iceberg table in the catalog (write-audit-publish with
 * branches): version N is the branch {@code vN}, whose snapshots hold that version's files and nothing
 * else; the {@code main} branch, which every engine reads by the table's name, is the published
 * version; each version's record and schema id are table properties. A version keeps its own schema
 * among the table's schemas, and publishing makes it the current one in the same commit that moves
 * main, so readers switch rows and columns at once.
 *
 * <p>Every change is one compare-and-swap of the table's metadata in the catalog, retried on a
 * conflict: two commands at once never lose each other's change.
 */
public final class TableVersions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TableVersions.class);

    static final String VERSION_PROPERTY = "kappa.version.";
    static final String PUBLISHED = "kappa.published";
    /** An empty snapshot every new version's branch starts from, so that it inherits no other version's files. */
    static final String EMPTY_TAG = "kappa-empty";
    private static final int COMMIT_ATTEMPTS = 100;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final JdbcCatalog catalog;
    private final CatalogSettings settings;
    private final String table;
    private final Table iceberg;

    private TableVersions(JdbcCatalog catalog, CatalogSettings settings, String table, Table iceberg) {
        this.catalog = catalog;
        this.settings = settings;
        this.table = table;
        this.iceberg = iceberg;
    }

    /** Opens the table in the catalog, creating it (empty, nothing published) if it is not there yet. */
    public static TableVersions open(CatalogSettings settings, String table) {
        JdbcCatalog catalog = settings.open();
        try {
            return new TableVersions(catalog, settings, table, loadOrCreate(catalog, settings, table));
        } catch (RuntimeException e) {
            closeQuietly(catalog);
            throw e;
        }
    }

    private static Table loadOrCreate(JdbcCatalog catalog, CatalogSettings settings, String table) {
        TableIdentifier id = settings.identifier(table);
        if (!catalog.namespaceExists(id.namespace())) {
            try {
                catalog.createNamespace(id.namespace());
            } catch (AlreadyExistsException | UncheckedSQLException e) {
                // a concurrent command created it first (the JDBC catalog reports that as a failed insert)
                if (!catalog.namespaceExists(id.namespace())) {
                    throw e;
                }
            }
        }
        if (!catalog.tableExists(id)) {
            refuseOldLayout(settings.tableLocation(table));
            int[] next = {1};
            Schema envelope = new TableSchema(List.of()).icebergSchema((name, type) -> next[0]++);
            try {
                catalog.buildTable(id, envelope)
                        .withPartitionSpec(PartitionSpec.builderFor(envelope).hour(EventFields.EVENT_TIME).build())
                        .withLocation(settings.tableLocation(table))
                        .withProperty(TableProperties.FORMAT_VERSION, "2")
                        .withProperty(TableProperties.COMMIT_NUM_RETRIES, "20")
                        // kappa table maintain: every branch keeps enough history for its writer to find
                        // its last commit, and replaced metadata files are deleted as commits go on
                        .withProperty(TableProperties.MIN_SNAPSHOTS_TO_KEEP, "20")
                        .withProperty(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
                        .withProperty(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "10")
                        .create();
                LOG.info("Created Iceberg table {}.{} at {}", settings.name(), id, settings.tableLocation(table));
            } catch (AlreadyExistsException e) {
                // created by a concurrent command
            }
        }
        Table loaded = catalog.loadTable(id);
        // One commit for the empty snapshot and its tag: a concurrent command that loses does not leave a
        // second empty snapshot on main, where it would move main off a version published meanwhile.
        for (int attempt = 1; loaded.refs().get(EMPTY_TAG) == null; attempt++) {
            try {
                // a new transaction starts from freshly read metadata, which a concurrent command may
                // have tagged since: creating the tag then fails as it would on commit
                Transaction transaction = loaded.newTransaction();
                transaction.newFastAppend().set("kappa.empty", "true").commit();
                transaction.manageSnapshots().createTag(EMPTY_TAG, transaction.table().currentSnapshot().snapshotId())
                        .commit();
                transaction.commitTransaction();
            } catch (IllegalArgumentException | ValidationException | CommitFailedException e) {
                loaded.refresh(); // tagged by a concurrent command, or try again
                if (attempt == 3 && loaded.refs().get(EMPTY_TAG) == null) {
                    throw e;
                }
            }
        }
        return loaded;
    }

    /**
     * Tables of the layout before the catalog ({@code _CURRENT}, {@code _versions.json}) are not
     * converted: the log is the source of truth, and a replay rebuilds them into the catalog.
     */
    private static void refuseOldLayout(String tableLocation) {
        Path current = new Path(tableLocation, "_CURRENT");
        try {
            if (current.getFileSystem().exists(current)) {
                throw new IllegalStateException(tableLocation + " holds a table of the old layout (_CURRENT, "
                        + "_versions.json), which is not in the catalog; its Parquet files stay readable as they are. "
                        + "Move the directory aside and rebuild the table from the log with 'kappa replay --publish'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String table() {
        return table;
    }

    public CatalogSettings catalog() {
        return settings;
    }

    /** The Iceberg table as the catalog has it now. */
    public Table iceberg() {
        iceberg.refresh();
        return iceberg;
    }

    /** {@code <warehouse>/<table>/v<N>}, in the warehouse URI's own spelling. */
    public String versionPath(int version) {
        return versionPath(settings.tableLocation(table), version);
    }

    public static String versionPath(String tableLocation, int version) {
        return tableLocation + "/v" + version;
    }

    /** A version as users write it: {@code v2} or {@code 2}. */
    public static int parseVersion(String text) {
        if (!text.matches("v?[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("'" + text + "' is not a table version; write it like v2");
        }
        return Integer.parseInt(text.startsWith("v") ? text.substring(1) : text);
    }

    /** Every version, oldest first. */
    public List<TableVersion> list() {
        return versionsOf(iceberg().properties());
    }

    private static List<TableVersion> versionsOf(Map<String, String> properties) {
        List<TableVersion> versions = new ArrayList<>();
        properties.forEach((key, value) -> {
            if (key.startsWith(VERSION_PROPERTY)) {
                versions.add(fromJson(value));
            }
        });
        versions.sort(Comparator.comparingInt(TableVersion::version));
        return versions;
    }

    public Optional<TableVersion> get(int version) {
        return versionIn(iceberg(), version);
    }

    public TableVersion require(int version) {
        return get(version).orElseThrow(() -> noSuchVersion(version));
    }

    private static Optional<TableVersion> versionIn(Table current, int version) {
        return Optional.ofNullable(current.properties().get(key(version))).map(TableVersions::fromJson);
    }

    /** The version's branch in {@code current}: its record and its files from one metadata version. */
    private String branchIn(Table current, int version) {
        return versionIn(current, version).orElseThrow(() -> noSuchVersion(version)).branch();
    }

    /** The version readers of the table's name see, if any has been published. */
    public OptionalInt current() {
        String published = iceberg().properties().get(PUBLISHED);
        return published == null ? OptionalInt.empty() : OptionalInt.of(parseVersion(published));
    }

    /** One more than any version recorded or found on disk, so a new build never reuses a directory. */
    public int nextVersion() throws IOException {
        int highest = list().stream().mapToInt(TableVersion::version).max().orElse(0);
        Path directory = new Path(settings.tableLocation(table));
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

    /**
     * Records a new version with the columns it will be written with: its branch (empty), its schema
     * (a column keeps the field id it has in the table's other versions; a new one gets a new id), and
     * its record. Refuses a version that is already recorded. Returns the record, with its schema id.
     */
    public TableVersion add(TableVersion version, TableSchema columns) {
        TableMetadata committed = commit("add " + version.name(), base -> {
            if (base.properties().containsKey(key(version.version()))) {
                throw new IllegalStateException("table " + table + " already has " + version.name());
            }
            Schema schema = columns.icebergSchema(new ColumnIds(base)::idFor);
            int schemaId = schemaIdFor(base, schema);
            TableVersion recorded = version.withSchemaId(schemaId);
            TableMetadata.Builder builder = TableMetadata.buildFrom(base).addSchema(schema)
                    .setRef(version.branch(), SnapshotRef.branchBuilder(base.ref(EMPTY_TAG).snapshotId()).build())
                    .setProperties(Map.of(key(version.version()), toProperty(recorded)));
            return builder.build();
        });
        TableVersion recorded = fromJson(committed.properties().get(key(version.version())));
        LOG.info("Registered {} {} (schema {}) in catalog {}", table, version.name(), recorded.schemaId(),
                settings.name());
        return recorded;
    }

    /** The columns of a version as registered, with their field ids; refuses columns that differ from it. */
    public TableSchema columnsOf(int version, TableSchema configured) {
        TableVersion entry = require(version);
        Schema registered = iceberg().schemas().get(entry.schemaId());
        Map<String, Integer> ids = new HashMap<>();
        int[] unknown = {registered.highestFieldId()};
        Schema expected = configured.icebergSchema((name, type) -> {
            Types.NestedField field = registered.findField(name);
            return field != null && field.type().equals(type) ? field.fieldId() : ++unknown[0];
        });
        if (!expected.sameSchema(registered)) {
            throw new IllegalArgumentException(table + " " + entry.name() + " was registered with the columns "
                    + registered.asStruct() + "; the configuration (columnar.fields) gives " + columns(configured)
                    + ". A version's columns are fixed: write a new version (kappa replay) to change them");
        }
        registered.columns().forEach(field -> ids.put(field.name(), field.fieldId()));
        return configured.withColumnIds(ids);
    }

    private static String columns(TableSchema configured) {
        return configured.messageType().getFields().stream().map(f -> f.getName()).toList().toString();
    }

    public TableVersion update(int version, UnaryOperator<TableVersion> change) {
        TableMetadata committed = commit("update v" + version, base -> {
            String current = base.properties().get(key(version));
            if (current == null) {
                throw noSuchVersion(version);
            }
            TableVersion changed = change.apply(fromJson(current));
            return TableMetadata.buildFrom(base).setProperties(Map.of(key(version), toProperty(changed))).build();
        });
        return fromJson(committed.properties().get(key(version)));
    }

    /**
     * Makes {@code version} what readers of the table's name see, in one catalog commit: main moves to
     * the version's newest snapshot, the table's current schema becomes the version's, and the
     * previously published version is recorded as retired. Only a built version can be published: a
     * ready one whose last audit passed (a replay whose audit crashed or timed out has none), or one
     * published before; and not one another version took the table over from (its rows stopped at
     * the switch).
     */
    public void publish(int version) {
        commit("publish v" + version, base -> publishing(base, version, Publishing.BUILT));
        LOG.info("Published {} v{}: readers of {}.{} now see it", table, version, settings.name(),
                settings.identifier(table));
    }

    /** Publishes the first version of a table that has none published yet: a live one, still empty. */
    public void publishFirst(int version) {
        commit("publish v" + version, base -> publishing(base, version, Publishing.FIRST));
        LOG.info("Published {} v{}: readers of {}.{} now see it", table, version, settings.name(),
                settings.identifier(table));
    }

    /**
     * The switch-over of a replay that follows the log, in one catalog commit: publishes {@code version},
     * still building but audited, and records on the version published before that {@code version} took
     * the table over from it. Returns that previous version, if there was one.
     */
    public OptionalInt takeOver(int version) {
        OptionalInt[] previous = {OptionalInt.empty()};
        commit("take over with v" + version, base -> {
            previous[0] = OptionalInt.empty();
            String published = base.properties().get(PUBLISHED);
            if (published != null && parseVersion(published) != version) {
                previous[0] = OptionalInt.of(parseVersion(published));
            }
            return publishing(base, version, Publishing.TAKE_OVER);
        });
        LOG.info("{} v{} took the table over{}: readers of {}.{} now see it", table, version,
                previous[0].isPresent() ? " from v" + previous[0].getAsInt() : "", settings.name(),
                settings.identifier(table));
        return previous[0];
    }

    /** Which versions a publish accepts. */
    private enum Publishing {
        /** A ready version that passed its audit, or one published before. */
        BUILT,
        /** A following replay, still building, that passed its audit. */
        TAKE_OVER,
        /** A live version of a table that has none published yet: empty, nothing to audit. */
        FIRST
    }

    private TableMetadata publishing(TableMetadata base, int version, Publishing kind) {
        TableVersion target = fromJson(requireProperty(base, version));
        boolean takeOver = kind == Publishing.TAKE_OVER;
        if (kind == Publishing.FIRST && (base.properties().containsKey(PUBLISHED) || target.range() != null)) {
            throw new IllegalArgumentException("cannot publish " + table + " v" + version + " as its first version: "
                    + "it already has one published, or v" + version + " is a replay");
        }
        if (takeOver ? !target.follows() || target.state() != VersionState.BUILDING || !"passed".equals(target.audit())
                : kind == Publishing.BUILT
                        && (target.state() == VersionState.BUILDING || target.state() == VersionState.DROPPED)) {
            throw new IllegalArgumentException("cannot publish " + table + " v" + version + ": it is "
                    + target.state().label() + (takeOver ? ", not a following replay that passed its audit"
                    : target.state() == VersionState.BUILDING ? " (finish or resume its replay first)" : ""));
        }
        if ("failed".equals(target.audit())
                || (kind == Publishing.BUILT && target.state() == VersionState.READY && target.audit() == null)) {
            throw new IllegalArgumentException("cannot publish " + table + " v" + version + ": "
                    + (target.audit() == null ? "it has not passed an audit (the replay's audit did not finish, or none "
                            + "ran); run 'kappa audit --version v" + version + "' and publish it once that passes"
                            : "its audit failed (kappa audit --version v" + version + " shows why)"));
        }
        if (target.takenOverBy() != null) {
            throw new IllegalArgumentException("cannot publish " + table + " v" + version + ": v"
                    + target.takenOverBy() + " took the table over from it and its writer stopped then, so it lacks "
                    + "every event since; 'kappa replay --follow' builds a current version that takes over instead");
        }
        Map<String, String> changed = new HashMap<>();
        for (TableVersion v : versionsOf(base.properties())) {
            if (v.state() == VersionState.PUBLISHED && v.version() != version) {
                changed.put(key(v.version()), toProperty(takeOver ? v.withTakenOverBy(version)
                        : v.withState(VersionState.RETIRED)));
            }
        }
        changed.put(key(version), toProperty(target.withState(VersionState.PUBLISHED)));
        changed.put(PUBLISHED, target.name());
        return TableMetadata.buildFrom(base)
                .setCurrentSchema(target.schemaId())
                .setRef(SnapshotRef.MAIN_BRANCH,
                        SnapshotRef.branchBuilder(base.ref(target.branch()).snapshotId()).build())
                .setProperties(changed)
                .build();
    }

    /** Publishes the version that was published before the current one; returns it. */
    public int rollback() {
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

    /**
     * Removes a version: its branch, then its files; its record stays, as dropped. The published
     * version cannot be dropped. Snapshots of its history keep naming the deleted files until
     * {@code kappa table maintain} expires them.
     */
    public void drop(int version) throws IOException {
        commit("drop v" + version, base -> {
            TableVersion target = fromJson(requireProperty(base, version));
            if (target.state() == VersionState.PUBLISHED || target.name().equals(base.properties().get(PUBLISHED))) {
                throw new IllegalArgumentException("refusing to drop " + table + " v" + version + ": it is the "
                        + "published version; publish another one (or roll back) first");
            }
            TableMetadata.Builder builder = TableMetadata.buildFrom(base)
                    .setProperties(Map.of(key(version), toProperty(target.withState(VersionState.DROPPED))));
            if (base.ref(target.branch()) != null) {
                builder.removeRef(target.branch());
            }
            return builder.build();
        });
        Path path = new Path(versionPath(version));
        path.getFileSystem().delete(path, true);
        LOG.info("Dropped {} v{}: branch removed, {} deleted", table, version, path);
    }

    /** The newest snapshot of a version's branch. */
    public Snapshot head(int version) {
        Table current = iceberg();
        SnapshotRef ref = current.refs().get(branchIn(current, version));
        if (ref == null) {
            throw new IllegalArgumentException("table " + table + " v" + version + " has no branch (it was dropped)");
        }
        return current.snapshot(ref.snapshotId());
    }

    /** The data files of a version as its branch has them now: what a reader of that version reads. */
    public List<String> files(int version) {
        List<String> files = new ArrayList<>();
        Table current = iceberg();
        try (CloseableIterable<FileScanTask> tasks = current.newScan().useRef(branchIn(current, version))
                .planFiles()) {
            tasks.forEach(task -> files.add(task.file().location()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    /** Rows in a version, from its newest snapshot's summary. */
    public long rowCount(int version) {
        return Long.parseLong(head(version).summary().getOrDefault("total-records", "0"));
    }

    /** One version's record as JSON, for people. */
    public static byte[] toJson(TableVersion version) throws IOException {
        return JSON.writeValueAsBytes(version);
    }

    @Override
    public void close() {
        closeQuietly(catalog);
    }

    /**
     * Applies {@code change} to the table's metadata as one compare-and-swap in the catalog, on the
     * newest metadata each time: a concurrent commit makes it retry, never lose either change.
     */
    private TableMetadata commit(String what, UnaryOperator<TableMetadata> change) {
        TableOperations ops = ((HasTableOperations) iceberg).operations();
        for (int attempt = 1; ; attempt++) {
            TableMetadata base = ops.refresh();
            TableMetadata updated = change.apply(base);
            try {
                ops.commit(base, updated);
                iceberg.refresh();
                return ops.current();
            } catch (CommitFailedException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new IllegalStateException("could not " + what + " of " + table + " after " + attempt
                            + " attempts: other commits kept changing the table (" + e.getMessage() + ")", e);
                }
                sleepBeforeRetry(attempt);
            }
        }
    }

    private static void sleepBeforeRetry(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 20L * Math.min(attempt, 25)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a catalog commit", e);
        }
    }

    /** The id the table's metadata gives {@code schema}: that of an identical schema, or the next one. */
    private static int schemaIdFor(TableMetadata base, Schema schema) {
        return base.schemas().stream().filter(s -> s.sameSchema(schema)).mapToInt(Schema::schemaId).findFirst()
                .orElseGet(() -> base.schemas().stream().mapToInt(Schema::schemaId).max().orElse(-1) + 1);
    }

    private String requireProperty(TableMetadata base, int version) {
        String value = base.properties().get(key(version));
        if (value == null) {
            throw noSuchVersion(version);
        }
        return value;
    }

    private IllegalArgumentException noSuchVersion(int version) {
        return new IllegalArgumentException("table " + table + " has no version v" + version
                + " (kappa table list shows what it has)");
    }

    private static String key(int version) {
        return VERSION_PROPERTY + "v" + version;
    }

    private static String toProperty(TableVersion version) {
        try {
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(version);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TableVersion fromJson(String json) {
        try {
            return JSON.readValue(json, TableVersion.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable version record in the catalog: " + json, e);
        }
    }

    private static void closeQuietly(JdbcCatalog catalog) {
        try {
            catalog.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the catalog failed", e);
        }
    }

    /** Field ids for a new version's columns: reused by name and type across the table's schemas. */
    private static final class ColumnIds {
        private final Map<String, Integer> known = new HashMap<>();
        private int next;

        ColumnIds(TableMetadata base) {
            for (Schema schema : base.schemas()) {
                for (Types.NestedField field : schema.columns()) {
                    known.put(field.name() + ":" + field.type(), field.fieldId());
                }
            }
            next = base.lastColumnId() + 1;
        }

        int idFor(String name, org.apache.iceberg.types.Type type) {
            return known.computeIfAbsent(name + ":" + type, k -> next++);
        }
    }
}
