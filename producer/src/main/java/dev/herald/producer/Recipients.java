package dev.herald.producer;

import dev.herald.model.UserRole;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Who receives a notice: one named user, some named users, or every active user holding one of some roles. */
public sealed interface Recipients {

    record User(UUID userId) implements Recipients {}

    /** Users the producer names, such as the owners of a deprecated template's workspaces; each once. */
    record Users(List<UUID> userIds) implements Recipients {
        public Users {
            userIds = List.copyOf(new LinkedHashSet<>(userIds));
        }
    }

    /** Active holders of any of {@code roles}, except {@code excluded} (the subject, told separately). */
    record WithRole(Set<UserRole> roles, UUID excluded) implements Recipients {
        public WithRole {
            roles = Set.copyOf(roles);
        }
    }
}
