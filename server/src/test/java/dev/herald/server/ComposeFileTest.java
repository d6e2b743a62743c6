package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.ConfigInput;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment in docker-compose.yml is configured with the same settings the tests use: each Herald service's
 * environment must load as a valid configuration that runs exactly the role the service is named after.
 */
class ComposeFileTest {

    private static final Set<String> HERALD_SERVICES =
            Set.of("producer", "dispatcher-smtp", "dispatcher-webhook", "dispatcher-inbox", "retry-scheduler", "api");

    @Test
    void everyHeraldServiceHasAValidConfigurationForItsRole() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("..", "docker-compose.yml")));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");

        assertThat(services.keySet()).containsAll(HERALD_SERVICES).contains("postgres", "kafka", "mailpit");
        for (String name : HERALD_SERVICES) {
            Map<String, Object> service = services.get(name);
            assertThat(service.get("build"))
                    .as(name + " is built from this repository")
                    .isEqualTo(".");
            Map<String, String> environment = new HashMap<>();
            ((Map<?, ?>) service.get("environment"))
                    .forEach((key, value) -> environment.put(String.valueOf(key), String.valueOf(value)));

            HeraldConfig config = HeraldConfig.load(ConfigInput.environmentOnly(environment));

            assertThat(config.server().roles())
                    .as(name)
                    .containsExactly(Role.parse(name).iterator().next());
            assertThat(config.server().postgresUrl())
                    .as(name + " uses the compose PostgreSQL")
                    .isPresent();
            assertThat(config.kafka().bootstrapServers())
                    .as(name + " uses the compose Kafka")
                    .contains("kafka:9092");
            assertThat(String.valueOf(((Map<?, ?>) service.get("healthcheck")).get("test")))
                    .as(name + " is probed on /readyz at the port it serves (the image's 0.0.0.0:3000 by default)")
                    .contains("/dev/tcp/127.0.0.1/"
                            + (name.equals("api")
                                    ? config.server().httpAddress().port()
                                    : 3000))
                    .contains("GET /readyz");
        }
        assertThat(services.get("dispatcher-smtp"))
                .as("dispatchers scale with --scale: no fixed name or host port")
                .doesNotContainKeys("container_name", "ports");
        assertThat(String.valueOf(services.get("postgres").get("command"))).contains("wal_level=logical");
        assertThat(String.valueOf(services.get("kafka").get("environment"))).contains("broker,controller");
    }
}
