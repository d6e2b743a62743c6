package dev.herald.server.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Web UI sessions, shared by every api replica through PostgreSQL. Only hashes of session tokens are stored. */
public final class WebSessionStore {

    /** The name of the cookie that carries a browser's session. */
    public static final String COOKIE = "herald_session";

    /** A signed-in browser: who, and the CSRF token its forms must carry. */
    public record WebSession(UUID userId, String csrfToken) {}

    /** A new session: the cookie value to set, and the session. */
    public record Started(String cookie, WebSession session) {}

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    public WebSessionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Starts a session. Sessions that have expired are deleted on the way: signing in is rare enough to carry that
     * cost, and the table never grows with sessions nobody can use.
     */
    public Started start(UUID userId, Instant now, Duration lifetime) throws SQLException {
        String cookie = randomToken();
        String csrf = randomToken();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement purge =
                        connection.prepareStatement("DELETE FROM web_sessions WHERE expires_at <= ?");
                PreparedStatement insert = connection.prepareStatement("INSERT INTO web_sessions (token_hash, user_id,"
                        + " csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            purge.setObject(1, now.atOffset(ZoneOffset.UTC));
            purge.executeUpdate();
            insert.setBytes(1, sha256(cookie));
            insert.setObject(2, userId);
            insert.setString(3, csrf);
            insert.setObject(4, now.atOffset(ZoneOffset.UTC));
            insert.setObject(5, now.plus(lifetime).atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        return new Started(cookie, new WebSession(userId, csrf));
    }

    /** The session of a cookie, while it has not expired. */
    public Optional<WebSession> find(String cookie, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT user_id, csrf_token, expires_at FROM web_sessions WHERE token_hash = ?")) {
            select.setBytes(1, sha256(cookie));
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()
                        || !row.getObject(3, OffsetDateTime.class).toInstant().isAfter(now)) {
                    return Optional.empty();
                }
                return Optional.of(new WebSession(row.getObject(1, UUID.class), row.getString(2)));
            }
        }
    }

    public void end(String cookie) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM web_sessions WHERE token_hash = ?")) {
            delete.setBytes(1, sha256(cookie));
            delete.executeUpdate();
        }
    }

    /** For tests and operators: ends every session of a user at once. */
    public void expireAll(UUID userId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE web_sessions SET expires_at = created_at WHERE user_id = ?")) {
            update.setObject(1, userId);
            update.executeUpdate();
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
