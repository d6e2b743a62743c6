package dev.herald.server.health;

/**
 * How one role of the process is doing, as {@code /readyz} shows it.
 *
 * @param role the role's flag name: producer, dispatcher-smtp, ...
 * @param state a word for where it stands: streaming, standby, consuming, paused, restarting...
 * @param reason why it is not ready, with the fix when known; empty when ready
 */
public record RoleStatus(String role, boolean ready, String state, String reason) {

    public static RoleStatus ready(String role, String state) {
        return new RoleStatus(role, true, state, "");
    }

    public static RoleStatus notReady(String role, String state, String reason) {
        return new RoleStatus(role, false, state, reason);
    }
}
