package dev.herald.server.api;

import dev.herald.model.UserRole;
import dev.herald.server.data.User;

/** Who is making a request, and the checks every handler asks of it. */
record Caller(User user) {

    static final String ATTRIBUTE = "herald.caller";

    boolean isOwner() {
        return user.has(UserRole.OWNER);
    }

    void requireOwner() {
        if (!isOwner()) {
            throw ApiException.forbidden("Only an owner may do this.");
        }
    }

    void requireAnyOf(UserRole... roles) {
        if (!user.hasAny(roles)) {
            throw ApiException.forbidden("This needs one of the roles: "
                    + String.join(
                            ", ",
                            java.util.Arrays.stream(roles)
                                    .map(UserRole::sqlName)
                                    .toList()) + ".");
        }
    }

    /** Users manage their own account; owners and user admins manage anyone's. */
    boolean isSelfOrAccountAdmin(User target) {
        return target.id().equals(user.id()) || user.hasAny(UserRole.OWNER, UserRole.USER_ADMIN);
    }
}
