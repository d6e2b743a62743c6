package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.producer.relay.CdcRelay;
import dev.herald.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Set-up problems of the change stream stop {@code herald server} at start, by name, with the fix and exit code 2. */
class ChangeStreamSetUpTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("setup");

    @RegisterExtension
    static final PostgresExtension otherDatabase = PostgresExtension.empty();

    private final List<String> cleanUp = new ArrayList<>();

    @AfterEach
    void dropSlots() {
        cleanUp.forEach(otherDatabase::execute);
    }

    @Test
    void aSlotNameAnotherDatabaseHoldsIsRefusedWithItsFix() {
        String slot = fleet.topicPrefix() + "_taken";
        otherDatabase.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        cleanUp.add("SELECT pg_drop_replication_slot('" + slot + "')");

        Result result = server("producer", "--relay-slot-name=" + slot);

        assertThat(result.code()).isEqualTo(Herald.EXIT_CONFIGURATION);
        assertThat(result.err())
                .contains("the producer role cannot stream changes")
                .contains("the replication slot " + slot + " belongs to database " + otherDatabase.databaseName())
                .contains("Fix: give this deployment its own --relay-slot-name");
    }

    @Test
    void aUserWithoutReplicationIsRefusedWithItsFix() {
        String user = fleet.topicPrefix() + "_plain";
        fleet.postgres().execute("CREATE ROLE " + user + " LOGIN PASSWORD 'plain'");
        fleet.postgres().execute("GRANT ALL ON SCHEMA public TO " + user);
        fleet.postgres().execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + user);
        fleet.postgres().execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + user);

        Result result = server(
                "producer",
                "--postgres-url=postgres://" + user + ":plain@"
                        + fleet.postgres().host() + ":" + fleet.postgres().port() + "/"
                        + fleet.postgres().databaseName());

        assertThat(result.code()).isEqualTo(Herald.EXIT_CONFIGURATION);
        assertThat(result.err())
                .contains("the database user " + user + " may not stream changes (it lacks the REPLICATION attribute)")
                .contains("Fix: ALTER ROLE \"" + user + "\" WITH REPLICATION");
    }

    @Test
    void aPublicationDroppedWhileTheRelayRunsIsNamedInReadyz() {
        HeraldServer server = fleet.start("producer");
        ApiClient probes = new ApiClient(server.httpPort());
        assertThat(probes.get("/readyz", null).status()).isEqualTo(200);
        try {
            fleet.postgres().execute("DROP PUBLICATION " + CdcRelay.PUBLICATION);
            // The running stream notices when it next reconnects; make that now.
            fleet.postgres()
                    .execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                            + " WHERE slot_name = '" + fleet.topicPrefix() + "' AND active");

            Awaitility.await("readyz names the missing publication")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> probes.get("/readyz", null).body().contains("is missing or no longer covers"));
            ApiClient.Answer ready = probes.get("/readyz", null);
            assertThat(ready.status()).isEqualTo(503);
            JsonNode producer = ready.json().get("roles").get(0);
            assertThat(producer.get("role").asText()).isEqualTo("producer");
            assertThat(producer.get("state").asText()).isEqualTo("restarting");
            assertThat(producer.get("reason").asText())
                    .contains("the publication " + CdcRelay.PUBLICATION + " is missing")
                    .contains("fix: start herald server once with the same --postgres-url");
            assertThat(ready.json().get("waiting_for"))
                    .extracting(JsonNode::asText)
                    .containsExactly("producer");
        } finally {
            fleet.postgres()
                    .execute("CREATE PUBLICATION " + CdcRelay.PUBLICATION
                            + " FOR TABLE notification_messages WITH (publish = 'insert')");
        }
    }

    private record Result(int code, String err) {}

    /** {@code herald server} in this JVM; it returns at once only when it cannot start. */
    private static Result server(String roles, String... extra) {
        List<String> arguments = new ArrayList<>();
        arguments.add("server");
        arguments.addAll(fleet.arguments(roles, extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Herald.run(
                arguments.toArray(String[]::new),
                Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }
}
