package dev.herald.model;

import java.util.Locale;

/** Whether a user account is usable; only active users receive fan-out notifications. */
public enum UserStatus {
    ACTIVE,
    SUSPENDED,
    DORMANT;

    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
