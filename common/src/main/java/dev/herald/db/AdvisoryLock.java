package dev.herald.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/**
 * "Exactly one replica does this": a PostgreSQL advisory lock held on a dedicated session. The lock lives exactly as
 * long as that session, so a replica that dies (or loses its database) gives it up without any cleanup, and another
 * replica's next attempt takes it. Not thread-safe: one owner thread asks.
 */
public final class AdvisoryLock implements AutoCloseable {

    private final DatabaseUrl database;
    private final String lockName;
    private final String applicationName;
    private Connection session;

    /**
     * @param lockName what is being led; replicas that name the same lock exclude each other
     * @param applicationName shown in pg_stat_activity, so that an operator can tell who holds it
     */
    public AdvisoryLock(DatabaseUrl database, String lockName, String applicationName) {
        this.database = database;
        this.lockName = lockName;
        this.applicationName = applicationName;
    }

    /** True when this replica holds the lock now (taking it if free); never blocks on another holder. */
    public boolean tryAcquire() {
        try {
            if (session != null && !session.isClosed() && stillHeld()) {
                return true;
            }
            closeQuietly();
            session = open();
            try (PreparedStatement statement =
                    session.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
                statement.setString(1, lockName);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    boolean acquired = row.getBoolean(1);
                    if (!acquired) {
                        closeQuietly();
                    }
                    return acquired;
                }
            }
        } catch (SQLException e) {
            closeQuietly();
            return false;
        }
    }

    /** False once the session is gone, and with it the lock. */
    public boolean stillHeld() {
        try {
            return session != null && session.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The holder's own session, for cheap status queries while it leads; null when not held. */
    public Connection session() {
        return session;
    }

    /** Releases the lock by ending its session. */
    @Override
    public void close() {
        closeQuietly();
    }

    private Connection open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", database.user());
        properties.setProperty("password", database.password().reveal());
        properties.setProperty("ApplicationName", applicationName);
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
