package dev.herald.server.data;

import dev.herald.model.NotificationMethod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** The notification templates and their per-event delivery method. */
public final class TemplateCatalog {

    private static final String COLUMNS = "id, name, title_template, body_template, coalesce(actions::text, '[]'),"
            + " coalesce(\"group\", ''), coalesce(method::text, ''), kind::text, enabled_by_default";

    private final DataSource dataSource;

    public TemplateCatalog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Grouped, then by name, as the preferences page lists them. */
    public List<Template> list() throws SQLException {
        List<Template> templates = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM notification_templates ORDER BY \"group\", name");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                templates.add(template(rows));
            }
        }
        return templates;
    }

    public Optional<Template> find(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM notification_templates WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(template(row)) : Optional.empty();
            }
        }
    }

    /**
     * Sets a template's method (empty = the deployment default); returns false when it already had that method.
     */
    public boolean setMethod(UUID id, Optional<NotificationMethod> method) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update =
                        connection.prepareStatement("UPDATE notification_templates SET method = ?::notification_method"
                                + " WHERE id = ? AND method IS DISTINCT FROM ?::notification_method")) {
            String value = method.map(NotificationMethod::sqlName).orElse(null);
            update.setString(1, value);
            update.setObject(2, id);
            update.setString(3, value);
            return update.executeUpdate() > 0;
        }
    }

    /** The deployment's default method, as the running servers recorded it. */
    public NotificationMethod defaultMethod() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT value FROM site_configs WHERE key = 'notifications_default_method'");
                ResultSet row = select.executeQuery()) {
            return row.next() ? NotificationMethod.fromSql(row.getString(1)) : NotificationMethod.SMTP;
        }
    }

    private static Template template(ResultSet row) throws SQLException {
        return new Template(
                row.getObject(1, UUID.class),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getString(8),
                row.getBoolean(9));
    }
}
