package dev.herald.producer;

import dev.herald.model.UserRole;
import java.util.Set;
import java.util.UUID;

/** Who receives a notice: one named user, or every active user holding one of some roles. */
public sealed interface Recipients {

    record User(UUID userId) implements Recipients {}

    /** Active holders of any of {@code roles}, except {@code excluded} (the subject, told separately). */
    record WithRole(Set<UserRole> roles, UUID excluded) implements Recipients {
        public WithRole {
            roles = Set.copyOf(roles);
        }
    }
}
