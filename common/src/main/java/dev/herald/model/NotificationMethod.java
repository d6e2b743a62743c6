package dev.herald.model;

import java.util.Locale;

/** How a message is delivered; the values of the {@code notification_method} enum. */
public enum NotificationMethod {
    SMTP,
    WEBHOOK;

    /** The spelling used in SQL, flags and topic names. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NotificationMethod fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
