package dev.herald.producer.relay;

import dev.herald.db.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Exactly one active relay per slot: the one holding a PostgreSQL advisory lock on a dedicated session. The lock
 * lives exactly as long as that session, so a relay that dies (or loses its database) gives it up without any
 * cleanup, and a standby's next attempt takes it.
 */
final class Leadership implements AutoCloseable {

    private final DatabaseUrl database;
    private final String lockName;
    private Connection session;

    Leadership(DatabaseUrl database, String lockName) {
        this.database = database;
        this.lockName = lockName;
    }

    /** True when this replica holds the lock now; never blocks on another holder. */
    boolean tryAcquire() {
        try {
            if (session == null || session.isClosed()) {
                session = open();
            }
            try (PreparedStatement statement =
                    session.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
                statement.setString(1, lockName);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            closeQuietly();
            return false;
        }
    }

    /** False once the session is gone, and with it the lock. */
    boolean stillHeld() {
        try {
            return session != null && session.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The leader's own session, for cheap status queries while it leads. */
    Connection session() {
        return session;
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password().reveal());
        properties.setProperty("ApplicationName", "herald-relay-leadership");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("socketTimeout", "15");
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(database.jdbcUrl(), properties);
    }

    private void closeQuietly() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // The session is being discarded; closing it releases the lock, failing to is no worse.
            }
            session = null;
        }
    }
}
