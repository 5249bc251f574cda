package dev.kappa.jobs.table;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The same versions, publishes and concurrent committers with the production catalog: a real
 * PostgreSQL server (started from Maven artifacts), each test in a namespace of its own.
 */
class TableVersionsPostgresITCase extends TableVersionsTest {

    private static EmbeddedPostgres postgres;

    private final String namespace = "t" + UUID.randomUUID().toString().replace("-", "");

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    List<String> catalogSettings() {
        return List.of("catalog.uri=" + postgres.getJdbcUrl("postgres", "postgres"),
                "catalog.properties.jdbc.user=postgres", "catalog.namespace=" + namespace);
    }
}
