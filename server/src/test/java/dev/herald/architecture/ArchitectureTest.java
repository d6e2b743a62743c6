package dev.herald.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build guards the map of DESIGN.md: dependencies point one way (every module may use common, no worker module
 * uses another, only server knows them all) and the pure packages stay free of I/O.
 */
class ArchitectureTest {

    /** The package each worker module keeps its code in. */
    private static final Map<String, String> WORKER_PACKAGES = Map.of(
            "producer", "dev.herald.producer..",
            "dispatcher-smtp", "dev.herald.smtp..",
            "dispatcher-webhook", "dev.herald.webhook..",
            "dispatcher-inbox", "dev.herald.inbox..",
            "retry-scheduler", "dev.herald.scheduler..");

    /** The packages of common; none of them may reach into a worker module or the server. */
    private static final String[] COMMON_PACKAGES = {
        "dev.herald.config..",
        "dev.herald.model..",
        "dev.herald.db..",
        "dev.herald.render..",
        "dev.herald.token..",
        "dev.herald.store..",
        "dev.herald.dispatch..",
        "dev.herald.kafka..",
        "dev.herald.lifecycle.."
    };

    /**
     * The token package's one edge to Kafka: the wire format beside it is pure, and the publisher lives next to it so
     * that everything about tokens has one home.
     */
    private static final String TOKEN_PUBLISHER = "dev.herald.token.TokenPublisher";

    /** The configuration's one edge to the disk: secrets given as files, read once at start-up. */
    private static final String SECRET_FILE = "dev.herald.config.SecretFile";

    /** Packages of pure functions: values in, values out. */
    private static final String[] PURE_PACKAGES = {
        "dev.herald.model..",
        "dev.herald.render..",
        "dev.herald.config",
        "dev.herald.config.cli",
        "dev.herald.token..",
        "dev.herald.webhook.payload.."
    };

    /** What counts as I/O: databases, brokers, networks, mail, files. */
    private static final String[] IO_PACKAGES = {
        "java.sql..",
        "javax.sql..",
        "java.net.http..",
        "javax.net..",
        "org.postgresql..",
        "com.zaxxer..",
        "org.flywaydb..",
        "org.apache.kafka..",
        "io.debezium..",
        "jakarta.mail..",
        "org.apache.hc..",
        "com.sun.net.httpserver.."
    };

    private static final Path ROOT = Path.of(System.getProperty("herald.project.root", ".."));

    private static JavaClasses production;

    @BeforeAll
    static void importHeraldClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // common's test-jar (the shared test support) is on this classpath too, and is not production code.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.herald");
    }

    @ParameterizedTest(name = "{0} depends on no other Herald module than common")
    @ValueSource(strings = {"producer", "dispatcher-smtp", "dispatcher-webhook", "dispatcher-inbox", "retry-scheduler"})
    void aWorkerModuleUsesOnlyCommon(String module) throws Exception {
        assertThat(heraldDependencies(module, false)).containsExactly("herald-common");
    }

    @Test
    void commonUsesNoOtherHeraldModule() throws Exception {
        assertThat(heraldDependencies("common", false)).isEmpty();
    }

    @Test
    void onlyTheServerKnowsEveryModule() throws Exception {
        assertThat(heraldDependencies("server", false))
                .containsExactlyInAnyOrder(
                        "herald-common",
                        "herald-producer",
                        "herald-dispatcher-smtp",
                        "herald-dispatcher-webhook",
                        "herald-dispatcher-inbox",
                        "herald-retry-scheduler");
    }

    @Test
    void workerPackagesDoNotUseEachOther() {
        slices().matching("dev.herald.(producer|smtp|webhook|inbox|scheduler)..")
                .should()
                .notDependOnEachOther()
                .allowEmptyShould(false)
                .check(production);
    }

    @Test
    void everyPackageTheRulesNameHoldsCode() {
        List<String> named = new ArrayList<>(WORKER_PACKAGES.values());
        named.addAll(List.of(COMMON_PACKAGES));
        named.addAll(List.of(PURE_PACKAGES));
        named.add("dev.herald.server..");
        for (String pattern : named) {
            String packageName = pattern.replace("..", "");
            assertThat(production.stream()
                            .anyMatch(type -> type.getPackageName().equals(packageName)
                                    || (pattern.endsWith("..")
                                            && type.getPackageName().startsWith(packageName + "."))))
                    .as("a rule names %s, which holds no class: the rule guards nothing", pattern)
                    .isTrue();
        }
        assertThat(production.contain(TOKEN_PUBLISHER)).as(TOKEN_PUBLISHER).isTrue();
        assertThat(production.contain(SECRET_FILE)).as(SECRET_FILE).isTrue();
    }

    @Test
    void commonDoesNotReachIntoWorkersOrTheServer() {
        List<String> forbidden = new ArrayList<>(WORKER_PACKAGES.values());
        forbidden.add("dev.herald.server..");
        noClasses()
                .that()
                .resideInAnyPackage(COMMON_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden.toArray(String[]::new))
                .check(production);
    }

    @Test
    void purePackagesDoNoIo() {
        noClasses()
                .that()
                .resideInAnyPackage(PURE_PACKAGES)
                .and()
                .doNotHaveFullyQualifiedName(TOKEN_PUBLISHER)
                .and()
                .doNotHaveFullyQualifiedName(SECRET_FILE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(IO_PACKAGES)
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.nio.file.Files")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.net.Socket")
                .check(production);
    }

    @Test
    void theImportSawHeraldsCode() {
        assertThat(production.containPackage("dev.herald.config")).isTrue();
        assertThat(production.containPackage("dev.herald.render")).isTrue();
    }

    /** Herald modules the module's pom depends on; test-scoped ones (the fixtures) only when asked. */
    private static List<String> heraldDependencies(String module, boolean includeTestScope) throws Exception {
        Path pom = ROOT.resolve(module).resolve("pom.xml");
        assertThat(pom).exists();
        Document document =
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(pom));
        NodeList dependencies = document.getElementsByTagName("dependency");
        List<String> herald = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String group = text(dependency, "groupId");
            String scope = text(dependency, "scope");
            if ("dev.herald".equals(group) && (includeTestScope || !"test".equals(scope))) {
                herald.add(text(dependency, "artifactId"));
            }
        }
        return herald;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
