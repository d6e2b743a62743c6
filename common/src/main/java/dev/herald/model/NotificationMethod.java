package dev.herald.model;

import java.util.List;
import java.util.Locale;

/** How a message is delivered; the values of the {@code notification_method} enum. */
public enum NotificationMethod {
    SMTP,
    WEBHOOK,
    /** Coder's in-app inbox: a copy of (almost) every notification, shown under the bell. */
    INBOX;

    /** The methods a deployment may choose as its default; the inbox receives its copies beside either. */
    public static final List<NotificationMethod> DEFAULT_CHOICES = List.of(SMTP, WEBHOOK);

    /** The spelling used in SQL, flags and topic names. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NotificationMethod fromSql(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
