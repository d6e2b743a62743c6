package dev.herald.db;

import dev.herald.config.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A PostgreSQL location in either of the forms operators write: Coder's {@code postgres://user:pass@host:port/db?...}
 * or a JDBC URL. Both become the parts that JDBC and the CDC relay (which wants host, port and database separately)
 * need. The password stays a {@link Secret}.
 */
public record DatabaseUrl(
        String host, int port, String database, String user, Secret password, Map<String, String> parameters) {

    public DatabaseUrl {
        parameters = Map.copyOf(parameters);
    }

    /**
     * Parses a URL.
     *
     * @throws IllegalArgumentException naming what is missing, without echoing the password
     */
    public static DatabaseUrl parse(String url) {
        String text = url.trim();
        String lower = text.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.startsWith("jdbc:postgresql://")) {
            rest = text.substring("jdbc:".length());
        } else if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            rest = text;
        } else {
            throw new IllegalArgumentException("a database URL starts with postgres:// or jdbc:postgresql://");
        }
        URI uri;
        try {
            uri = URI.create("postgresql" + rest.substring(rest.indexOf("://")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the database URL is malformed");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the database URL has no host");
        }
        Map<String, String> parameters = query(uri.getRawQuery());
        String user = parameters.remove("user");
        String password = parameters.remove("password");
        if (uri.getRawUserInfo() != null) {
            String[] userInfo = uri.getRawUserInfo().split(":", 2);
            user = decode(userInfo[0]);
            password = userInfo.length > 1 ? decode(userInfo[1]) : password;
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new DatabaseUrl(
                uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(),
                path.isEmpty() ? "postgres" : decode(path),
                user == null ? "postgres" : user,
                Secret.of(password == null ? "" : password),
                parameters);
    }

    /** The JDBC URL without credentials; pass user and password separately so they never sit in a logged string. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://")
                .append(host.contains(":") ? "[" + host + "]" : host)
                .append(':')
                .append(port)
                .append('/')
                .append(database);
        String separator = "?";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            url.append(separator).append(parameter.getKey()).append('=').append(parameter.getValue());
            separator = "&";
        }
        return url.toString();
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parameters.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl() + ", user=" + user + "]";
    }
}
