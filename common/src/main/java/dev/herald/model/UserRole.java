package dev.herald.model;

import java.util.Arrays;

/** The roles a user can hold; they decide who receives which event and who may call which endpoint. */
public enum UserRole {
    OWNER("owner"),
    USER_ADMIN("user-admin"),
    TEMPLATE_ADMIN("template-admin"),
    MEMBER("member");

    private final String sqlName;

    UserRole(String sqlName) {
        this.sqlName = sqlName;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String sqlName() {
        return sqlName;
    }

    public static UserRole fromSql(String value) {
        return Arrays.stream(values())
                .filter(role -> role.sqlName.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role " + value));
    }
}
