package dev.herald.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares output with a file under {@code src/test/resources/golden}. Run with {@code -Dherald.golden.update=true}
 * to write the files from the current output, then review the diff before committing it.
 */
public final class GoldenFiles {

    private static final Path ROOT = Path.of("src", "test", "resources", "golden");

    private GoldenFiles() {}

    /** A file name for a template or case name: "Workspace Deleted" becomes "workspace-deleted". */
    public static String slug(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    public static void assertMatches(String name, String actual) {
        Path file = ROOT.resolve(name);
        try {
            if (Boolean.getBoolean("herald.golden.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            if (!Files.exists(file)) {
                throw new AssertionError(file + " does not exist; create it with -Dherald.golden.update=true");
            }
            assertEquals(
                    Files.readString(file, StandardCharsets.UTF_8),
                    actual,
                    file + " differs; if the change is intended, update it with -Dherald.golden.update=true");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
