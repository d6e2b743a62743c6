package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the declarations; this fails when someone changed one without the other. */
class ConfigurationReferenceTest {

    private static final Path DOC =
            Path.of(System.getProperty("herald.project.root", ".."), "docs", "configuration.md");

    @Test
    void theCommittedReferenceIsUpToDate() throws IOException {
        String generated = ConfigurationReference.markdown();
        if (Boolean.getBoolean("herald.docs.update")) {
            Files.writeString(DOC, generated);
        }
        assertThat(DOC).exists();
        assertThat(Files.readString(DOC))
                .as("docs/configuration.md is stale; regenerate it with: ./mvnw -pl common -am test"
                        + " -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dherald.docs.update=true")
                .isEqualTo(generated);
    }

    @Test
    void everySettingIsDocumentedWithItsVariable() {
        String generated = ConfigurationReference.markdown();
        for (Setting<?> setting : HeraldSettings.ALL) {
            assertThat(generated).contains("`" + setting.flag() + "`").contains("`" + setting.env() + "`");
        }
    }
}
