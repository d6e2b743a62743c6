package dev.herald.producer.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before the change stream starts, what PostgreSQL must offer it, so that a set-up problem is reported by
 * name with its fix instead of as whatever the replication protocol happens to throw: {@code wal_level}, the
 * {@code REPLICATION} attribute, the publication, a slot name already used by another database, and free slots and
 * WAL senders.
 */
public final class CdcPreflight {

    /** One thing PostgreSQL lacks, and what the operator does about it. */
    public record Problem(String what, String fix) {

        @Override
        public String toString() {
            return what + ". Fix: " + fix;
        }
    }

    private final String slotName;
    private final String publication;

    public CdcPreflight(String slotName, String publication) {
        this.slotName = slotName;
        this.publication = publication;
    }

    /** Every problem found; empty when the change stream can start. */
    public List<Problem> check(Connection session) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        boolean slotActive = false;
        String walLevel = text(session, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(new Problem(
                    "PostgreSQL runs with wal_level = " + walLevel + "; the relay needs logical",
                    "set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and"
                            + " restart PostgreSQL"));
        }
        String user = text(session, "SELECT current_user");
        if (!"true"
                .equals(text(
                        session,
                        "SELECT (rolreplication OR rolsuper)::text FROM pg_roles" + " WHERE rolname = current_user"))) {
            problems.add(new Problem(
                    "the database user " + user + " may not stream changes (it lacks the REPLICATION attribute)",
                    "ALTER ROLE \"" + user + "\" WITH REPLICATION, or give --postgres-url a user that has it"));
        }
        if (!publicationCoversTheTable(session)) {
            problems.add(new Problem(
                    "the publication " + publication + " is missing or no longer covers notification_messages",
                    "start herald server once with the same --postgres-url (its migrations create it), or run"
                            + " CREATE PUBLICATION " + publication + " FOR TABLE notification_messages"
                            + " WITH (publish = 'insert')"));
        }
        try (PreparedStatement slot = session.prepareStatement(
                "SELECT database, plugin, active FROM pg_replication_slots WHERE slot_name = ?")) {
            slot.setString(1, slotName);
            try (ResultSet row = slot.executeQuery()) {
                if (row.next()) {
                    slotActive = row.getBoolean(3);
                    String database = row.getString(1);
                    String current = text(session, "SELECT current_database()");
                    if (!current.equals(database)) {
                        problems.add(new Problem(
                                "the replication slot " + slotName + " belongs to database " + database + ", not to "
                                        + current + " (slot names are shared by the whole server)",
                                "give this deployment its own --relay-slot-name (HERALD_RELAY_SLOT_NAME), or drop"
                                        + " the other slot if nothing uses it: SELECT pg_drop_replication_slot('"
                                        + slotName + "')"));
                    } else if (!"pgoutput".equals(row.getString(2))) {
                        problems.add(new Problem(
                                "the replication slot " + slotName + " decodes with " + row.getString(2)
                                        + ", not pgoutput",
                                "choose another --relay-slot-name, or drop this slot: SELECT"
                                        + " pg_drop_replication_slot('" + slotName + "')"));
                    }
                } else if (full(session, "max_replication_slots", "SELECT count(*) FROM pg_replication_slots")) {
                    problems.add(new Problem(
                            "every replication slot is taken (max_replication_slots = "
                                    + text(session, "SHOW max_replication_slots") + ")",
                            "raise max_replication_slots and restart PostgreSQL, or drop a slot nothing reads"
                                    + " (SELECT slot_name, active FROM pg_replication_slots)"));
                }
            }
        }
        // A slot in use means a replica of this deployment streams already; only a new stream needs a free sender.
        if (!slotActive && full(session, "max_wal_senders", "SELECT count(*) FROM pg_stat_replication")) {
            problems.add(new Problem(
                    "every WAL sender is busy (max_wal_senders = " + text(session, "SHOW max_wal_senders") + ")",
                    "raise max_wal_senders and restart PostgreSQL, or stop a replication client"));
        }
        return problems;
    }

    private boolean publicationCoversTheTable(Connection session) throws SQLException {
        try (PreparedStatement statement = session.prepareStatement("""
                SELECT 1 FROM pg_publication_tables
                WHERE pubname = ? AND schemaname = current_schema() AND tablename = 'notification_messages'
                """)) {
            statement.setString(1, publication);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    private static boolean full(Connection session, String setting, String countQuery) throws SQLException {
        return Long.parseLong(text(session, countQuery)) >= Long.parseLong(text(session, "SHOW " + setting));
    }

    private static String text(Connection session, String query) throws SQLException {
        try (PreparedStatement statement = session.prepareStatement(query);
                ResultSet row = statement.executeQuery()) {
            return row.next() ? row.getString(1) : null;
        }
    }
}
