package dev.herald.server.api;

import dev.herald.config.GoDuration;
import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.UserLifecycle;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The recipients directory, its lifecycle (suspend, activate, delete) and API keys. */
final class UsersApi {

    private static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+");

    record CreateUser(String email, String username, String name, List<String> roles, String password) {}

    record UserList(List<User> users) {}

    /**
     * Coder's request: a name, and a lifetime as Coder encodes it (nanoseconds) or as a duration such as "720h"; without
     * one the deployment's default applies.
     */
    record CreateKey(String tokenName, Object lifetime) {}

    record Deleted(String message) {}

    record Key(String key) {}

    private static final Duration MAX_KEY_LIFETIME = Duration.ofDays(3653);

    private final ApiServices services;

    UsersApi(ApiServices services) {
        this.services = services;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v2/users", this::list);
        routes.post("/api/v2/users", this::create);
        routes.get("/api/v2/users/{user}", this::get);
        routes.post("/api/v2/users/{user}/keys", this::createKey);
        routes.post("/api/v2/users/{user}/keys/tokens", this::createKey);
        routes.get("/api/v2/users/{user}/keys/tokens", this::listKeys);
        routes.delete("/api/v2/users/{user}/keys/{keyid}", this::revokeKey);
        routes.put("/api/v2/users/{user}/status/suspend", context -> changeStatus(context, true));
        routes.put("/api/v2/users/{user}/status/activate", context -> changeStatus(context, false));
        routes.delete("/api/v2/users/{user}", this::delete);
    }

    /** The user a path names: "me", an id or a username. */
    static User target(Context context, ApiServices services) throws SQLException {
        String name = context.pathParam("user");
        if (name.equals("me")) {
            return Api.caller(context).user();
        }
        Api.caller(context);
        return services.users()
                .find(name)
                .orElseThrow(() -> ApiException.notFound("No user is named or has the id \"" + name + "\"."));
    }

    private void list(Context context) throws SQLException {
        Api.caller(context).requireAnyOf(UserRole.OWNER, UserRole.USER_ADMIN);
        context.json(new UserList(services.users().list()));
    }

    private void get(Context context) throws SQLException {
        User user = target(context, services);
        Caller caller = Api.caller(context);
        if (!user.id().equals(caller.user().id())) {
            caller.requireAnyOf(UserRole.OWNER, UserRole.USER_ADMIN);
        }
        context.json(user);
    }

    private void create(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireAnyOf(UserRole.OWNER, UserRole.USER_ADMIN);
        CreateUser request = Json.read(context, CreateUser.class);
        if (request.email() == null || !EMAIL.matcher(request.email().strip()).matches()) {
            throw ApiException.badField("email", "must be an email address");
        }
        if (request.username() == null || !USERNAME.matcher(request.username()).matches()) {
            throw ApiException.badField(
                    "username", "must be 1 to 32 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        Set<UserRole> roles = roles(request.roles());
        if (roles.contains(UserRole.OWNER) && !caller.isOwner()) {
            throw ApiException.forbidden("Only an owner may create another owner.");
        }
        String passwordHash = null;
        if (request.password() != null) {
            try {
                passwordHash = dev.herald.server.data.Passwords.hash(request.password());
            } catch (IllegalArgumentException e) {
                throw ApiException.badField("password", e.getMessage());
            }
        }
        try {
            User user = services.users().create(request.email().strip(), request.username(), request.name(), roles);
            if (passwordHash != null) {
                services.users().setPasswordHash(user.id(), passwordHash);
            }
            context.status(201).json(user);
        } catch (UserDirectory.AlreadyExists e) {
            throw new ApiException(
                    409, e.getMessage() + ".", "", List.of(new ApiException.Validation(e.field(), e.getMessage())));
        }
    }

    private void createKey(Context context) throws SQLException {
        User user = keyOwner(context);
        CreateKey request = context.body().isBlank() ? new CreateKey("", null) : Json.read(context, CreateKey.class);
        Duration lifetime =
                request.lifetime() == null ? services.config().defaultTokenLifetime() : lifetime(request.lifetime());
        String key = services.users()
                .createKey(user.id(), request.tokenName(), services.clock().instant(), lifetime);
        context.status(201).json(new Key(key));
    }

    private void listKeys(Context context) throws SQLException {
        User user = keyOwner(context);
        context.json(services.users().keys(user.id()));
    }

    private void revokeKey(Context context) throws SQLException {
        User user = keyOwner(context);
        String keyId = context.pathParam("keyid");
        if (!services.users().revokeKey(user.id(), keyId)) {
            throw ApiException.notFound("The user has no API key with the id \"" + keyId + "\".");
        }
        context.status(204);
    }

    /** Your own keys are yours to see and change; anyone else's are an owner's. */
    private User keyOwner(Context context) throws SQLException {
        User user = target(context, services);
        Caller caller = Api.caller(context);
        if (!user.id().equals(caller.user().id())) {
            caller.requireOwner();
        }
        return user;
    }

    private void changeStatus(Context context, boolean suspend) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireAnyOf(UserRole.OWNER, UserRole.USER_ADMIN);
        User user = target(context, services);
        try {
            if (suspend) {
                services.lifecycle().suspend(user, caller.user());
            } else {
                services.lifecycle().activate(user, caller.user());
            }
        } catch (UserLifecycle.Refused e) {
            throw ApiException.forbidden(e.getMessage());
        }
        context.json(services.lifecycle().find(user.id()).orElseThrow());
    }

    private void delete(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireAnyOf(UserRole.OWNER, UserRole.USER_ADMIN);
        User user = target(context, services);
        try {
            services.lifecycle().delete(user, caller.user());
        } catch (UserLifecycle.Refused e) {
            throw ApiException.forbidden(e.getMessage());
        }
        context.json(new Deleted("User " + user.username() + " has been deleted."));
    }

    /** Whole nanoseconds, as Coder sends a lifetime, or a duration such as "720h" or "30d". */
    static Duration lifetime(Object given) {
        Duration lifetime;
        if (given instanceof Integer || given instanceof Long) {
            Number number = (Number) given;
            lifetime = Duration.ofNanos(number.longValue());
        } else if (given instanceof String text) {
            try {
                lifetime = GoDuration.parse(text);
            } catch (IllegalArgumentException e) {
                throw ApiException.badField("lifetime", "\"" + text + "\" is not a duration such as 720h");
            }
        } else {
            throw ApiException.badField("lifetime", "must be nanoseconds or a duration such as \"720h\"");
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_KEY_LIFETIME) > 0) {
            throw ApiException.badField("lifetime", "must be more than zero and at most 10 years");
        }
        return lifetime;
    }

    static Set<UserRole> roles(List<String> names) {
        Set<UserRole> roles = EnumSet.noneOf(UserRole.class);
        if (names == null) {
            roles.add(UserRole.MEMBER);
            return roles;
        }
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            try {
                roles.add(UserRole.fromSql(name));
            } catch (IllegalArgumentException e) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.badField(
                    "roles", "has unknown roles " + unknown + " (use owner, user-admin, template-admin, member)");
        }
        if (roles.isEmpty()) {
            roles.add(UserRole.MEMBER);
        }
        return roles;
    }
}
