package dev.herald.store;

import dev.herald.model.NotificationMethod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The deployment-wide notification settings in {@code site_configs}: the pause switch and the default method. */
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
     * Records the deployment's default method, which the enqueue function snapshots into rows whose template has no
     * method of its own.
     */
    public void setDefaultMethod(NotificationMethod method) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        INSERT INTO site_configs (key, value) VALUES ('notifications_default_method', ?)
                        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                        """)) {
            statement.setString(1, method.sqlName());
            statement.executeUpdate();
        }
    }
}
