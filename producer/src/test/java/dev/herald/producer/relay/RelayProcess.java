package dev.herald.producer.relay;

import dev.herald.testing.ChildJvm;
import dev.herald.testing.PostgresExtension;
import java.util.List;

/** Runs {@link RelayProcessMain} as a child JVM, so that a test can SIGKILL a relay. */
final class RelayProcess {

    private RelayProcess() {}

    static ChildJvm start(
            String name, PostgresExtension postgres, String bootstrapServers, String prefix, String slot) {
        return ChildJvm.start(
                "relay-" + name,
                RelayProcessMain.class,
                List.of(
                        postgres.host(),
                        String.valueOf(postgres.port()),
                        postgres.databaseName(),
                        postgres.user(),
                        postgres.password(),
                        bootstrapServers,
                        prefix,
                        slot));
    }
}
