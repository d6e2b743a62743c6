package dev.herald.model;

import java.util.Locale;

/** The life cycle of a row of {@code notification_messages}; the values of {@code notification_message_status}. */
public enum MessageStatus {
    PENDING,
    LEASED,
    SENT,
    PERMANENT_FAILURE,
    TEMPORARY_FAILURE,
    UNKNOWN,
    INHIBITED;

    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MessageStatus fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
