package dev.herald.producer.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.RestartablePostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up problems that no test database of the shared server can show, on a PostgreSQL of this test's own:
 * wal_level below logical, every replication slot taken, no publication.
 */
class CdcPreflightTest {

    @TempDir
    Path data;

    @Test
    void aServerNotSetUpForLogicalDecodingIsDescribedWithEveryFix() throws Exception {
        try (RestartablePostgres postgres = RestartablePostgres.start(
                data, Map.of("wal_level", "replica", "max_replication_slots", "1", "max_wal_senders", "2"))) {
            List<CdcPreflight.Problem> problems;
            try (Connection session = postgres.dataSource().getConnection()) {
                session.createStatement().execute("SELECT pg_create_physical_replication_slot('someone_else')");
                problems = new CdcPreflight("herald_relay", CdcRelay.PUBLICATION).check(session);
            }

            assertThat(problems)
                    .extracting(CdcPreflight.Problem::toString)
                    .containsExactly(
                            "PostgreSQL runs with wal_level = replica; the relay needs logical. Fix: set wal_level = logical in"
                                    + " postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL",
                            "the publication herald_notification_messages is missing or no longer covers"
                                    + " notification_messages. Fix: start herald server once with the same --postgres-url (its"
                                    + " migrations create it), or run CREATE PUBLICATION herald_notification_messages FOR"
                                    + " TABLE notification_messages WITH (publish = 'insert')",
                            "every replication slot is taken (max_replication_slots = 1). Fix: raise max_replication_slots"
                                    + " and restart PostgreSQL, or drop a slot nothing reads (SELECT slot_name, active FROM"
                                    + " pg_replication_slots)");
        }
    }
}
