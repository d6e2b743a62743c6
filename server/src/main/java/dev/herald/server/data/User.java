package dev.herald.server.data;

import dev.herald.model.UserRole;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A row of the users directory, without secrets. */
public record User(
        UUID id, String email, String username, String name, Set<UserRole> roles, String status, Instant createdAt) {

    public boolean has(UserRole role) {
        return roles.contains(role);
    }

    public boolean hasAny(UserRole... any) {
        for (UserRole role : any) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
