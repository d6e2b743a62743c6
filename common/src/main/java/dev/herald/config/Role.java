package dev.herald.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What one {@code herald server} process does. Production runs one role per container; development runs all. */
public enum Role {
    PRODUCER("producer"),
    DISPATCHER_SMTP("dispatcher-smtp"),
    DISPATCHER_WEBHOOK("dispatcher-webhook"),
    DISPATCHER_INBOX("dispatcher-inbox"),
    RETRY_SCHEDULER("retry-scheduler"),
    API("api");

    private final String flagName;

    Role(String flagName) {
        this.flagName = flagName;
    }

    public String flagName() {
        return flagName;
    }

    /**
     * Parses {@code --roles}: {@code all}, or a comma-separated list of role names.
     *
     * @throws IllegalArgumentException naming the unknown role
     */
    public static Set<Role> parse(String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("all")) {
                roles.addAll(EnumSet.allOf(Role.class));
                continue;
            }
            roles.add(Arrays.stream(values())
                    .filter(role -> role.flagName.equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("\"" + part.trim() + "\" is not a role")));
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("no role named");
        }
        return roles;
    }

    public static String names() {
        return Arrays.stream(values()).map(Role::flagName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return flagName;
    }
}
