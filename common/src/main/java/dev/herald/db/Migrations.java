package dev.herald.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database to Herald's current schema; safe to run on every start of every replica. */
public final class Migrations {

    private Migrations() {}

    /** Applies pending migrations and returns how many ran. Flyway's lock makes concurrent starts safe. */
    public static int apply(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
