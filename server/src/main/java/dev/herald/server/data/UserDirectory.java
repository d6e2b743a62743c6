package dev.herald.server.data;

import dev.herald.db.SqlTime;
import dev.herald.model.UserRole;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Users and their API keys. A key is {@code <id>-<secret>}: the id finds the row, and only a SHA-256 of the secret is
 * stored, so the table alone never yields a working key. Secrets are 128 random bits, which is why a fast hash is
 * enough here (passwords, which people choose, get a slow one).
 */
public final class UserDirectory {

    private static final String COLUMNS = "id, email, username, name, roles, status::text, created_at";
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** How finely a key's last use is recorded. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    public UserDirectory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Thrown when a username or email is already taken. */
    public static final class AlreadyExists extends Exception {
        private static final long serialVersionUID = 1L;
        private final String field;

        AlreadyExists(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public User create(String email, String username, String name, Collection<UserRole> roles)
            throws SQLException, AlreadyExists {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO users (email, username, name,"
                        + " roles) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS)) {
            insert.setString(1, email);
            insert.setString(2, username);
            insert.setString(3, name == null ? "" : name);
            insert.setArray(
                    4,
                    connection.createArrayOf(
                            "text", roles.stream().map(UserRole::sqlName).toArray()));
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return user(row);
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                boolean emailTaken = e.getMessage().contains("users_email_key");
                throw new AlreadyExists(
                        emailTaken ? "email" : "username",
                        (emailTaken ? "a user with email " + email : "a user named " + username) + " already exists");
            }
            throw e;
        }
    }

    /** By id, or by username (case-insensitive). */
    public Optional<User> find(String idOrUsername) throws SQLException {
        UUID id = parseUuid(idOrUsername);
        String where = id != null ? "id = ?" : "lower(username) = lower(?)";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE " + where)) {
            select.setObject(1, id != null ? id : idOrUsername);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(user(row)) : Optional.empty();
            }
        }
    }

    public List<User> list() throws SQLException {
        List<User> users = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY lower(username)");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                users.add(user(rows));
            }
        }
        return users;
    }

    public boolean anyUser() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM users)");
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getBoolean(1);
        }
    }

    /** Sets (or, with null, removes) the user's password for the web UI. */
    public void setPasswordHash(UUID userId, String hash) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update =
                        connection.prepareStatement("UPDATE users SET hashed_password = ? WHERE id = ?")) {
            update.setString(1, hash);
            update.setObject(2, userId);
            update.executeUpdate();
        }
    }

    /** A user and the hash of their password (null for users who sign in with API keys only). */
    public record StoredPassword(User user, String hash) {}

    /**
     * The user named {@code username} with their password hash, read in one query so that no connection is held while
     * the slow hash is checked.
     */
    public Optional<StoredPassword> storedPassword(String username) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + COLUMNS + ", hashed_password FROM users WHERE lower(username) = lower(?)")) {
            select.setString(1, username);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new StoredPassword(user(row), row.getString(8))) : Optional.empty();
            }
        }
    }

    /** An API key as its owner may see it: never the secret, which was shown once. */
    public record KeyView(
            String id, UUID userId, String tokenName, Instant createdAt, Instant lastUsed, Instant expiresAt) {}

    /**
     * Creates an API key for the user, valid for {@code lifetime} from {@code now}, and returns it; it is shown once
     * and cannot be read back.
     */
    public String createKey(UUID userId, String tokenName, Instant now, Duration lifetime) throws SQLException {
        String id = randomText(10);
        String secret = randomText(22);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO api_keys (id, user_id,"
                        + " hashed_secret, token_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setObject(2, userId);
            insert.setBytes(3, sha256(secret));
            insert.setString(4, tokenName == null ? "" : tokenName);
            insert.setObject(5, SqlTime.utc(now));
            insert.setObject(6, SqlTime.utc(now.plus(lifetime)));
            insert.executeUpdate();
        }
        return id + "-" + secret;
    }

    /** The user's keys, newest first. */
    public List<KeyView> keys(UUID userId) throws SQLException {
        List<KeyView> keys = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT id, user_id, token_name, created_at,"
                        + " last_used, expires_at FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, id")) {
            select.setObject(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(new KeyView(
                            rows.getString(1),
                            rows.getObject(2, UUID.class),
                            rows.getString(3),
                            instant(rows, 4),
                            instant(rows, 5),
                            instant(rows, 6)));
                }
            }
        }
        return keys;
    }

    /** Deletes one of the user's keys; false when the user has no key with that id. */
    public boolean revokeKey(UUID userId, String keyId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM api_keys WHERE user_id = ? AND id = ?")) {
            delete.setObject(1, userId);
            delete.setString(2, keyId);
            return delete.executeUpdate() == 1;
        }
    }

    /**
     * The active user a key belongs to, when the key is valid and unexpired. Its last use is recorded at most once a
     * minute, so that an API busy with one key does not write a row per request.
     */
    public Optional<User> authenticate(String key, Instant now) throws SQLException {
        int dash = key.indexOf('-');
        if (dash <= 0 || dash == key.length() - 1) {
            return Optional.empty();
        }
        String id = key.substring(0, dash);
        byte[] presented = sha256(key.substring(dash + 1));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT k.hashed_secret, k.expires_at, "
                        + prefixed("u") + ", k.last_used FROM api_keys k JOIN users u ON u.id = k.user_id"
                        + " WHERE k.id = ?")) {
            select.setString(1, id);
            User user;
            Instant lastUsed;
            try (ResultSet row = select.executeQuery()) {
                if (!row.next() || !MessageDigest.isEqual(row.getBytes(1), presented)) {
                    return Optional.empty();
                }
                Instant expires = instant(row, 2);
                if (expires != null && !expires.isAfter(now)) {
                    return Optional.empty();
                }
                user = new User(
                        row.getObject(3, UUID.class),
                        row.getString(4),
                        row.getString(5),
                        row.getString(6),
                        roles(row.getArray(7)),
                        row.getString(8),
                        row.getObject(9, OffsetDateTime.class).toInstant());
                lastUsed = instant(row, 10);
            }
            if (!"active".equals(user.status())) {
                return Optional.empty();
            }
            if (lastUsed == null || lastUsed.isBefore(now.minus(LAST_USED_RESOLUTION))) {
                try (PreparedStatement touch =
                        connection.prepareStatement("UPDATE api_keys SET last_used = ? WHERE id = ?")) {
                    touch.setObject(1, SqlTime.utc(now));
                    touch.setString(2, id);
                    touch.executeUpdate();
                }
            }
            return Optional.of(user);
        }
    }

    /**
     * Sets the user's status (active or suspended) in the caller's transaction; false when it already was that.
     */
    public boolean setStatus(Connection transaction, UUID userId, String status) throws SQLException {
        try (PreparedStatement update = transaction.prepareStatement(
                "UPDATE users SET status = ?::user_status WHERE id = ? AND status <> ?::user_status")) {
            update.setString(1, status);
            update.setObject(2, userId);
            update.setString(3, status);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Deletes the user in the caller's transaction, with their keys, sessions, preferences and messages (the schema
     * cascades); false when there was no such user.
     */
    public boolean delete(Connection transaction, UUID userId) throws SQLException {
        try (PreparedStatement delete = transaction.prepareStatement("DELETE FROM users WHERE id = ?")) {
            delete.setObject(1, userId);
            return delete.executeUpdate() == 1;
        }
    }

    /** How many active owners there are, so that the last one is never suspended or deleted. */
    public int activeOwners(Connection transaction) throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
                        "SELECT count(*) FROM users WHERE status = 'active' AND 'owner' = ANY (roles)");
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static String prefixed(String alias) {
        return alias + ".id, " + alias + ".email, " + alias + ".username, " + alias + ".name, " + alias + ".roles, "
                + alias + ".status::text, " + alias + ".created_at";
    }

    private static User user(ResultSet row) throws SQLException {
        return new User(
                row.getObject(1, UUID.class),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                roles(row.getArray(5)),
                row.getString(6),
                row.getObject(7, OffsetDateTime.class).toInstant());
    }

    private static Set<UserRole> roles(java.sql.Array array) throws SQLException {
        Set<UserRole> roles = EnumSet.noneOf(UserRole.class);
        for (Object role : (Object[]) array.getArray()) {
            roles.add(UserRole.fromSql((String) role));
        }
        return roles;
    }

    private String randomText(int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(text);
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static UUID parseUuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
