package dev.herald.store;

import dev.herald.model.Appearance;
import dev.herald.model.NotificationMethod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The deployment-wide settings in {@code site_configs}: the pause switch, the default method and the appearance, under
 * Coder's keys; how enqueue routes to the inbox, under Herald's.
 */
public final class SiteConfigStore {

    /** The LISTEN/NOTIFY channel on which pause changes are announced. */
    public static final String PAUSE_CHANNEL = "herald_notifier_paused";

    private final DataSource dataSource;

    public SiteConfigStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The deployment-wide pause switch, as Coder stores it. */
    public boolean notifierPaused() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT coalesce((value::jsonb ->> 'notifier_paused')::boolean, false) FROM site_configs"
                                + " WHERE key = 'notifications_settings'");
                ResultSet row = statement.executeQuery()) {
            return row.next() && row.getBoolean(1);
        }
    }

    /**
     * Sets the pause switch and tells every listening replica at once; returns false when it already had that value.
     */
    public boolean setNotifierPaused(boolean paused) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("""
                            INSERT INTO site_configs (key, value) VALUES ('notifications_settings', ?)
                            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                            WHERE site_configs.value::jsonb ->> 'notifier_paused' IS DISTINCT FROM ?
                            """);
                    PreparedStatement notify =
                            connection.prepareStatement("SELECT pg_notify('" + PAUSE_CHANNEL + "', ?)")) {
                update.setString(1, "{\"notifier_paused\": " + paused + "}");
                update.setString(2, String.valueOf(paused));
                boolean changed = update.executeUpdate() > 0;
                if (changed) {
                    notify.setString(1, String.valueOf(paused));
                    notify.execute();
                }
                connection.commit();
                return changed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Records how the enqueue function routes: the default method (for templates without a method of their own), whether it can deliver at all (neither email nor
     * a webhook configured sends notifications to the inbox only) and whether every notification also gets an inbox
     * copy.
     */
    public void setDelivery(NotificationMethod defaultMethod, boolean deliveryConfigured, boolean inboxEnabled)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                upsert(connection, "notifications_default_method", defaultMethod.sqlName());
                upsert(connection, "notifications_delivery_configured", String.valueOf(deliveryConfigured));
                upsert(connection, "notifications_inbox_enabled", String.valueOf(inboxEnabled));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** The appearance the deployment settings page stored; empty values where it stored none. */
    public Appearance appearance() throws SQLException {
        String name = "";
        String logo = "";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT key, value FROM site_configs WHERE key IN ('application_name', 'logo_url')");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                if (rows.getString(1).equals("application_name")) {
                    name = rows.getString(2);
                } else {
                    logo = rows.getString(2);
                }
            }
        }
        return new Appearance(name, logo);
    }

    /** Stores the appearance; an empty value removes the stored one, so that the flag or Herald's default applies. */
    public void setAppearance(Appearance appearance) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                store(connection, "application_name", appearance.applicationName());
                store(connection, "logo_url", appearance.logoUrl());
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Stores {@code value} under {@code key}; an empty value removes the key. */
    private static void store(Connection connection, String key, String value) throws SQLException {
        if (value.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM site_configs WHERE key = ?")) {
                delete.setString(1, key);
                delete.executeUpdate();
            }
            return;
        }
        upsert(connection, key, value);
    }

    private static void upsert(Connection connection, String key, String value) throws SQLException {
        try (PreparedStatement upsert =
                connection.prepareStatement("INSERT INTO site_configs (key, value) VALUES (?, ?)"
                        + " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")) {
            upsert.setString(1, key);
            upsert.setString(2, value);
            upsert.executeUpdate();
        }
    }
}
