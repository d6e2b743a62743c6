package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import dev.herald.model.Appearance;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Where the server listens, where its state lives and how it logs. */
public record ServerConfig(
        Set<Role> roles,
        boolean dev,
        Optional<Secret> postgresUrl,
        URI accessUrl,
        HostPort httpAddress,
        Optional<HostPort> prometheusAddress,
        boolean verbose,
        Path dataDir,
        List<String> ignoredExperiments,
        Appearance appearance) {

    /** Experiments Coder had for notifications; Herald always has them on. */
    private static final Set<String> ALWAYS_ON = Set.of("notifications", "*");

    static ServerConfig from(SettingValues values) {
        HostPort http = values.get(HTTP_ADDRESS);
        URI accessUrl = values.optional(ACCESS_URL)
                .orElseGet(() -> URI.create(
                        "http://" + (http.host().isEmpty() ? "127.0.0.1" : http.host()) + ":" + http.port()));
        Optional<Secret> postgresUrl = values.optional(POSTGRES_URL);
        postgresUrl
                .filter(url -> !supportedDatabaseUrl(url.reveal()))
                .ifPresent(url -> values.problem(POSTGRES_URL.displayName()
                        + ": the URL is neither postgres://... nor jdbc:postgresql://..."
                        + " Fix: give postgres://user:password@host:5432/database?sslmode=disable or a JDBC URL."));
        Optional<HostPort> prometheus = Optional.empty();
        Optional<String> prometheusText = values.optional(PROMETHEUS_ADDRESS);
        if (prometheusText.isPresent()) {
            try {
                prometheus = Optional.of(HostPort.parse(prometheusText.get()));
            } catch (IllegalArgumentException e) {
                values.problem(PROMETHEUS_ADDRESS.displayName() + ": \"" + prometheusText.get()
                        + "\" is not valid (" + e.getMessage()
                        + "). Fix: give host:port such as 127.0.0.1:2112, or leave it empty to turn metrics off.");
            }
        }
        return new ServerConfig(
                values.get(ROLES),
                values.get(DEV),
                postgresUrl,
                accessUrl,
                http,
                prometheus,
                values.get(VERBOSE),
                values.get(DATA_DIR),
                values.optional(EXPERIMENTS).orElse(List.of()).stream()
                        .map(String::strip)
                        .filter(experiment -> !experiment.isEmpty() && !ALWAYS_ON.contains(experiment))
                        .toList(),
                appearance(values));
    }

    private static Appearance appearance(SettingValues values) {
        Appearance appearance = new Appearance(
                values.optional(APPLICATION_NAME).orElse(""),
                values.optional(LOGO_URL).orElse(""));
        Appearance.problemWithLogoUrl(appearance.logoUrl())
                .ifPresent(problem -> values.problem(LOGO_URL.displayName() + ": \"" + appearance.logoUrl() + "\" "
                        + problem + ". Fix: give such a URL, or leave it empty for no logo."));
        return appearance;
    }

    private static boolean supportedDatabaseUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("postgres://")
                || lower.startsWith("postgresql://")
                || lower.startsWith("jdbc:postgresql://");
    }
}
