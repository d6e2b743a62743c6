package dev.herald.server.api;

import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The recipients directory and API keys. */
final class UsersApi {

    private static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+");

    record CreateUser(String email, String username, String name, List<String> roles, String password) {}

    record UserList(List<User> users) {}

    record CreateKey(String tokenName) {}

    record Key(String key) {}

    private final ApiServices services;

    UsersApi(ApiServices services) {
        this.services = services;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v2/users", this::list);
        routes.post("/api/v2/users", this::create);
        routes.get("/api/v2/users/{user}", this::get);
        routes.post("/api/v2/users/{user}/keys", this::createKey);
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
        User user = target(context, services);
        Caller caller = Api.caller(context);
        if (!user.id().equals(caller.user().id())) {
            caller.requireOwner();
        }
        String name = context.body().isBlank()
                ? ""
                : Json.read(context, CreateKey.class).tokenName();
        context.status(201).json(new Key(services.users().createKey(user.id(), name)));
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
