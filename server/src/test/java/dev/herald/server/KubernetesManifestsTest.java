package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.herald.config.ConfigInput;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldSettings;
import dev.herald.config.Role;
import dev.herald.config.Setting;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.model.NotificationMethod;
import dev.herald.token.TopicNames;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes without a cluster: every object is valid against Kubernetes' own API models (an unknown or
 * misplaced field fails), every setting it names is one Herald accepts, each role's Deployment loads as a valid
 * configuration running exactly that role, and each dispatcher scales on the consumer group and topic it really uses.
 */
class KubernetesManifestsTest {

    private static final Path DIRECTORY = Path.of("..", "deploy", "kubernetes");
    private static final Set<String> KEDA_SPEC = Set.of(
            "scaleTargetRef",
            "minReplicaCount",
            "maxReplicaCount",
            "cooldownPeriod",
            "pollingInterval",
            "idleReplicaCount",
            "fallback",
            "advanced",
            "triggers");
    private static final Set<String> KEDA_KAFKA = Set.of(
            "bootstrapServers",
            "consumerGroup",
            "topic",
            "lagThreshold",
            "activationLagThreshold",
            "offsetResetPolicy",
            "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset",
            "excludePersistentLag",
            "limitToPartitionsWithLag",
            "partitionLimitation",
            "version");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Map<String, Object>> objects = new ArrayList<>();
    private static final List<Map<String, Object>> fallback = new ArrayList<>();

    @TempDir
    static Path secrets;

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    objects.addAll(documents(file));
                }
            }
        }
        fallback.addAll(documents(DIRECTORY.resolve("hpa-fallback/autoscaling.yaml")));
    }

    @Test
    void everyObjectIsValidAgainstKubernetesOwnApiModels() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>(objects);
        all.addAll(fallback);
        for (Map<String, Object> object : all) {
            JsonElement json = JsonParser.parseString(JSON.writeValueAsString(object));
            String kind = (String) object.get("kind");
            switch (kind) {
                case "Deployment" -> V1Deployment.validateJsonElement(json);
                case "PodDisruptionBudget" -> V1PodDisruptionBudget.validateJsonElement(json);
                case "Service" -> V1Service.validateJsonElement(json);
                case "ConfigMap" -> V1ConfigMap.validateJsonElement(json);
                case "Secret" -> V1Secret.validateJsonElement(json);
                case "HorizontalPodAutoscaler" -> V2HorizontalPodAutoscaler.validateJsonElement(json);
                case "ScaledObject" -> assertKedaShape(object);
                default -> throw new AssertionError("no check for kind " + kind);
            }
        }
        Map<String, Object> kustomization = new Yaml().load(Files.readString(DIRECTORY.resolve("kustomization.yaml")));
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            assertThat(list(kustomization.get("resources")))
                    .as("kustomization.yaml applies every manifest of the directory")
                    .containsExactlyInAnyOrderElementsOf(
                            files.map(f -> f.getFileName().toString())
                                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                                    .toList());
        }
    }

    @Test
    void everySettingTheConfigMapNamesIsOneHeraldAccepts() {
        Set<String> accepted = new HashSet<>();
        for (Setting<?> setting : HeraldSettings.ALL) {
            accepted.addAll(setting.environment());
            if (setting.readableFromFile()) {
                accepted.add(setting.fileEnv());
            }
        }
        assertThat(configMap().keySet()).isSubsetOf(accepted);
        for (Map<String, Object> deployment : ofKind("Deployment")) {
            for (Object variable : list(container(deployment).get("env"))) {
                assertThat(accepted).contains((String) map(variable).get("name"));
            }
        }
    }

    @Test
    void eachRoleRunsAsItsOwnDeploymentWithProbesBudgetAndAGracefulStop() throws IOException {
        Set<String> roles = new HashSet<>();
        for (Map<String, Object> deployment : ofKind("Deployment")) {
            String name = (String) map(deployment.get("metadata")).get("name");
            String role = name.substring("herald-".length());
            roles.add(role);
            HeraldConfig config = config(deployment);
            Map<String, Object> pod =
                    map(map(map(deployment.get("spec")).get("template")).get("spec"));
            Map<String, Object> container = container(deployment);

            assertThat(config.server().roles())
                    .as(name)
                    .containsExactly(Role.parse(role).iterator().next());
            assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue())
                    .as("%s outlives a send in flight on SIGTERM", name)
                    .isGreaterThan(config.notifications().dispatchTimeout().toSeconds());
            assertThat(probe(container, "livenessProbe")).isEqualTo("/healthz");
            assertThat(probe(container, "readinessProbe")).isEqualTo("/readyz");
            assertThat(port(container, "http"))
                    .isEqualTo(config.server().httpAddress().port());
            assertThat(port(container, "metrics"))
                    .isEqualTo(config.server().prometheusAddress().orElseThrow().port());
            assertThat(map(map(container.get("resources")).get("requests"))).containsKeys("cpu", "memory");
            assertThat(ofKind("PodDisruptionBudget"))
                    .as("%s has a disruption budget", name)
                    .anySatisfy(budget -> assertThat(map(map(budget.get("spec")).get("selector")))
                            .isEqualTo(map(map(deployment.get("spec")).get("selector"))));
        }
        assertThat(roles)
                .containsExactlyInAnyOrderElementsOf(
                        Stream.of(Role.values()).map(Role::flagName).toList());
    }

    @Test
    void eachDispatcherScalesOnTheLagOfTheGroupAndTopicItConsumes() throws IOException {
        for (NotificationMethod method : NotificationMethod.values()) {
            String name = "herald-dispatcher-" + method.sqlName();
            Map<String, Object> deployment = ofKind("Deployment").stream()
                    .filter(d -> name.equals(map(d.get("metadata")).get("name")))
                    .findFirst()
                    .orElseThrow();
            HeraldConfig config = config(deployment);
            Map<String, Object> scaled = ofKind("ScaledObject").stream()
                    .filter(s -> name.equals(
                            map(map(s.get("spec")).get("scaleTargetRef")).get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " has no ScaledObject"));
            Map<String, Object> spec = map(scaled.get("spec"));
            Map<String, Object> trigger = map(list(spec.get("triggers")).getFirst());
            Map<String, Object> kafka = map(trigger.get("metadata"));

            assertThat(trigger.get("type")).isEqualTo("kafka");
            assertThat(kafka.get("consumerGroup"))
                    .isEqualTo(DispatchSettings.from(config, method).consumerGroup());
            assertThat(kafka.get("topic"))
                    .isEqualTo(new TopicNames(config.kafka().topicPrefix()).forMethod(method));
            assertThat(kafka.get("bootstrapServers"))
                    .isEqualTo(config.kafka().bootstrapServers().orElseThrow());
            assertThat((Integer) spec.get("maxReplicaCount"))
                    .as("a replica beyond the partition count would hold none")
                    .isLessThanOrEqualTo(config.kafka().topicPartitions());
            assertThat(fallback)
                    .as("%s has a CPU autoscaler for clusters without KEDA", name)
                    .anySatisfy(hpa -> assertThat(map(map(hpa.get("spec")).get("scaleTargetRef"))
                                    .get("name"))
                            .isEqualTo(name));
        }
    }

    private static void assertKedaShape(Map<String, Object> scaled) {
        assertThat(scaled.get("apiVersion")).isEqualTo("keda.sh/v1alpha1");
        Map<String, Object> spec = map(scaled.get("spec"));
        assertThat(KEDA_SPEC).containsAll(spec.keySet());
        assertThat(map(spec.get("scaleTargetRef"))).containsKey("name");
        for (Object trigger : list(spec.get("triggers"))) {
            assertThat(KEDA_KAFKA).containsAll(map(map(trigger).get("metadata")).keySet());
        }
    }

    /**
     * The configuration one Deployment's container gets: the ConfigMap, its own variables, and each secret file it
     * names present with the Secret's (placeholder) value.
     */
    private static HeraldConfig config(Map<String, Object> deployment) throws IOException {
        Map<String, Object> container = container(deployment);
        String mountPath = list(container.get("volumeMounts")).stream()
                .map(KubernetesManifestsTest::map)
                .filter(mount -> "secrets".equals(mount.get("name")))
                .map(mount -> (String) mount.get("mountPath"))
                .findFirst()
                .orElseThrow();
        Map<String, Object> secretValues = map(ofKind("Secret").getFirst().get("stringData"));
        Map<String, String> environment = new HashMap<>(configMap());
        for (Object variable : list(container.get("env"))) {
            environment.put(
                    (String) map(variable).get("name"), (String) map(variable).get("value"));
        }
        for (Map.Entry<String, String> variable : Map.copyOf(environment).entrySet()) {
            if (variable.getKey().endsWith("_FILE")) {
                assertThat(variable.getValue()).startsWith(mountPath + "/");
                String key = variable.getValue().substring(mountPath.length() + 1);
                assertThat(secretValues).as("the Secret holds %s", key).containsKey(key);
                Path file = secrets.resolve(key);
                Files.writeString(file, (String) secretValues.get(key));
                environment.put(variable.getKey(), file.toString());
            }
        }
        return HeraldConfig.load(ConfigInput.environmentOnly(environment));
    }

    private static Map<String, String> configMap() {
        Map<String, String> data = new HashMap<>();
        map(ofKind("ConfigMap").getFirst().get("data")).forEach((key, value) -> data.put(key, String.valueOf(value)));
        return data;
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        Map<String, Object> pod =
                map(map(map(deployment.get("spec")).get("template")).get("spec"));
        return map(list(pod.get("containers")).getFirst());
    }

    private static String probe(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }

    private static int port(Map<String, Object> container, String name) {
        return list(container.get("ports")).stream()
                .map(KubernetesManifestsTest::map)
                .filter(port -> name.equals(port.get("name")))
                .map(port -> (Integer) port.get("containerPort"))
                .findFirst()
                .orElseThrow();
    }

    private static List<Map<String, Object>> ofKind(String kind) {
        return objects.stream()
                .filter(object -> kind.equals(object.get("kind")))
                .toList();
    }

    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
