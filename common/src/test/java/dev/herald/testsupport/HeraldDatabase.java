package dev.herald.testsupport;

import dev.herald.config.Secret;
import dev.herald.db.DatabaseUrl;
import dev.herald.db.Migrations;
import dev.herald.testing.PostgresExtension;
import java.util.Map;

/** A test class's own database with Herald's schema, copied from a template migrated once per JVM. */
public final class HeraldDatabase {

    private HeraldDatabase() {}

    /** Where the test database is, as Herald's own components are told. */
    public static DatabaseUrl url(PostgresExtension postgres) {
        return new DatabaseUrl(
                postgres.host(),
                postgres.port(),
                postgres.databaseName(),
                postgres.user(),
                Secret.of(postgres.password()),
                Map.of());
    }

    public static PostgresExtension migrated() {
        return PostgresExtension.withSchema("herald", Migrations::apply);
    }
}
