package dev.herald.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration's one read from disk: a secret given as a file ({@code --postgres-url-file},
 * {@code CODER_PG_CONNECTION_URL_FILE}), read once while the configuration is built.
 */
final class SecretFile {

    private SecretFile() {}

    static String read(String path) throws IOException {
        return Files.readString(Path.of(path.strip()));
    }
}
