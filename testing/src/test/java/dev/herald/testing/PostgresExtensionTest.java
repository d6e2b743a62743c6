package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {

    @RegisterExtension
    static final PostgresExtension postgres = PostgresExtension.withSchema("fixture-test", dataSource -> {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE things (id int PRIMARY KEY)");
        }
    });

    @Test
    void aDatabaseClonedFromTheInitialisedTemplateWithLogicalReplication() throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(single(statement, "SHOW wal_level")).isEqualTo("logical");
            assertThat(single(statement, "SELECT current_database()")).isEqualTo(postgres.databaseName());
            statement.execute("INSERT INTO things VALUES (1)");
            // pgoutput ships with the server, so a logical slot can be created the way Debezium does.
            statement.execute("SELECT pg_create_logical_replication_slot('fixture_slot', 'pgoutput')");
            statement.execute("SELECT pg_drop_replication_slot('fixture_slot')");
        }
    }

    @Test
    void anotherExtensionGetsAnIsolatedDatabase() throws SQLException {
        PostgresExtension other =
                PostgresExtension.withSchema("fixture-test", dataSource -> {}).start();
        try (Connection connection = other.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            assertThat(other.databaseName()).isNotEqualTo(postgres.databaseName());
            assertThat(single(statement, "SELECT count(*) FROM things WHERE id = 1"))
                    .isEqualTo("0");
        } finally {
            other.stop();
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
