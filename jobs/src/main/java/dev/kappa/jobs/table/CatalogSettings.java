package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.UncheckedSQLException;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;

/** How to reach the Iceberg catalog, checked once; serializable so that the table committer can open it too. */
public record CatalogSettings(String uri, String name, String namespace, String warehouse,
        Map<String, String> properties) implements Serializable {

    /** The embedded default's file name, inside a local warehouse. */
    public static final String SQLITE_FILE = "kappa-catalog.db";

    public CatalogSettings {
        properties = Map.copyOf(properties);
        if (!uri.startsWith("jdbc:")) {
            throw new ConfigException(CatalogOptions.URI.key() + " must be a JDBC URL (jdbc:sqlite:..., "
                    + "jdbc:postgresql://...), got '" + uri + "'");
        }
        if (!namespace.matches("[A-Za-z_][A-Za-z0-9_]*") || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(CatalogOptions.NAME.key() + " and " + CatalogOptions.NAMESPACE.key()
                    + " must be letters, digits and _, got '" + name + "' and '" + namespace + "'");
        }
    }

    public static CatalogSettings from(KappaConfig config) {
        String warehouse = trimSlash(config.get(TableOptions.WAREHOUSE));
        String uri = config.get(CatalogOptions.URI);
        if (uri == null || uri.isBlank()) {
            uri = embeddedUri(warehouse);
        }
        return new CatalogSettings(uri, config.get(CatalogOptions.NAME), config.get(CatalogOptions.NAMESPACE),
                warehouse, config.get(CatalogOptions.PROPERTIES));
    }

    /** A SQLite file beside the tables, for a warehouse on local disk; anything else must name a database. */
    private static String embeddedUri(String warehouse) {
        java.net.URI location = java.net.URI.create(warehouse.contains(":") ? warehouse : "file:" + warehouse);
        if (!"file".equals(location.getScheme())) {
            throw new ConfigException(CatalogOptions.URI.key() + " is required: the embedded SQLite catalog only "
                    + "works for a local columnar.warehouse, and this one is " + warehouse);
        }
        return "jdbc:sqlite:" + Paths.get(location.getPath()).resolve(SQLITE_FILE);
    }

    public TableIdentifier identifier(String table) {
        return TableIdentifier.of(Namespace.of(namespace), table);
    }

    /** {@code <warehouse>/<table>}: the Iceberg table's location; its metadata goes in metadata/ below it. */
    public String tableLocation(String table) {
        return warehouse + "/" + table;
    }

    /** Opens the catalog; the caller closes it. */
    public JdbcCatalog open() {
        loadDriver();
        if (uri.startsWith("jdbc:sqlite:")) {
            try {
                Files.createDirectories(Paths.get(uri.substring("jdbc:sqlite:".length())).toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the directory of the catalog " + uri, e);
            }
        }
        Map<String, String> all = new HashMap<>();
        all.put(CatalogProperties.URI, uri);
        all.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
        all.put(CatalogProperties.FILE_IO_IMPL, FlinkFileIO.class.getName());
        // the catalog's current table layout, with views: engines that share the catalog open it without a warning
        all.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
        // SQLite allows one writer at a time: a committer waits for the lock instead of failing at once.
        if (uri.startsWith("jdbc:sqlite:")) {
            all.put(JdbcCatalog.PROPERTY_PREFIX + "busy_timeout", "30000");
        }
        all.putAll(properties);
        JdbcCatalog catalog = new JdbcCatalog();
        try {
            catalog.initialize(name, all);
        } catch (UncheckedSQLException e) {
            // Two processes opening a new catalog database at once both add the V1 columns; the one that
            // loses finds them there when it looks again.
            if (!String.valueOf(e.getCause()).matches("(?is).*(duplicate column|already exists).*")) {
                throw e;
            }
            catalog = new JdbcCatalog();
            catalog.initialize(name, all);
        }
        return catalog;
    }

    /**
     * JDBC finds drivers through the system class loader; in a Flink job the drivers live in the user
     * jar, so they are registered by loading them from here.
     */
    private void loadDriver() {
        String driver = uri.startsWith("jdbc:sqlite:") ? "org.sqlite.JDBC"
                : uri.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : null;
        if (driver != null) {
            try {
                Class.forName(driver, true, CatalogSettings.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("the JDBC driver " + driver + " for " + uri + " is not on the class path",
                        e);
            }
        }
    }

    private static String trimSlash(String warehouse) {
        return warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    }
}
