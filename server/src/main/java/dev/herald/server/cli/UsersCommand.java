package dev.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.config.GoDuration;
import dev.herald.db.DatabaseUrl;
import dev.herald.db.Migrations;
import dev.herald.model.UserRole;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code herald users create|list|suspend|activate|delete|keys|revoke-key}. */
@Command(
        name = "users",
        description = "Create, list, suspend, activate and delete users; list and revoke their API keys.",
        mixinStandardHelpOptions = true,
        subcommands = {
            UsersCommand.Create.class,
            UsersCommand.ListUsers.class,
            UsersCommand.Suspend.class,
            UsersCommand.Activate.class,
            UsersCommand.Delete.class,
            UsersCommand.Keys.class,
            UsersCommand.RevokeKey.class
        })
public final class UsersCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, say which there are. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "create",
            description = "Create a user and print an API key for it. Through the API with --token; or, to create the"
                    + " first owner of a deployment, directly in the database with --postgres-url.")
    static final class Create extends AdminCommand {
        @Mixin
        ApiOptions api;

        @Option(names = "--email", required = true, description = "The user's email address.")
        String email;

        @Option(names = "--username", required = true, description = "The user's username.")
        String username;

        @Option(names = "--name", defaultValue = "", description = "The user's full name.")
        String name;

        @Option(
                names = "--roles",
                split = ",",
                defaultValue = "member",
                description = "owner, user-admin, template-admin, member. Default: ${DEFAULT-VALUE}.")
        List<String> roles = new ArrayList<>();

        @Option(
                names = "--password",
                defaultValue = "${env:HERALD_USER_PASSWORD}",
                description = "A password for signing in to the web UI (at least 8 characters). Env:"
                        + " $HERALD_USER_PASSWORD.")
        String password;

        @Option(
                names = "--key-lifetime",
                defaultValue = "168h",
                description = "How long the printed API key is valid, such as 720h or 90d. Default: ${DEFAULT-VALUE}.")
        String keyLifetime;

        @Option(
                names = "--postgres-url",
                defaultValue = "${env:CODER_PG_CONNECTION_URL}",
                description = "Write to this database directly instead of calling the API. Env:"
                        + " $CODER_PG_CONNECTION_URL.")
        String postgresUrl;

        @Override
        void run() throws AdminClient.Failure {
            boolean direct =
                    postgresUrl != null && !postgresUrl.isBlank() && (api.token == null || api.token.isBlank());
            if (direct) {
                createInDatabase();
                return;
            }
            AdminClient client = api.client();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("email", email);
            body.put("username", username);
            body.put("name", name);
            body.put("roles", roles);
            if (password != null && !password.isEmpty()) {
                body.put("password", password);
            }
            JsonNode user = client.post("/api/v2/users", body);
            JsonNode key = client.post(
                    "/api/v2/users/" + user.path("id").asText() + "/keys/tokens",
                    Map.of("token_name", "cli", "lifetime", keyLifetime));
            print(user.path("id").asText(), key.path("key").asText());
        }

        private void createInDatabase() throws AdminClient.Failure {
            Set<UserRole> parsed = EnumSet.noneOf(UserRole.class);
            for (String role : roles) {
                try {
                    parsed.add(UserRole.fromSql(role.strip()));
                } catch (IllegalArgumentException e) {
                    throw new AdminClient.Failure("--roles: \"" + role + "\" is not a role. Fix: use owner,"
                            + " user-admin, template-admin or member.");
                }
            }
            DatabaseUrl database;
            try {
                database = DatabaseUrl.parse(postgresUrl);
            } catch (IllegalArgumentException e) {
                throw new AdminClient.Failure("--postgres-url: " + e.getMessage());
            }
            try (HikariDataSource dataSource = new HikariDataSource()) {
                dataSource.setJdbcUrl(database.jdbcUrl());
                dataSource.setUsername(database.user());
                dataSource.setPassword(database.password().reveal());
                // Flyway holds one connection for its lock while it migrates with another.
                dataSource.setMaximumPoolSize(3);
                Migrations.apply(dataSource);
                UserDirectory users = new UserDirectory(dataSource);
                String hash = password == null || password.isEmpty() ? null : Passwords.hash(password);
                User user = users.create(email, username, name, parsed);
                if (hash != null) {
                    users.setPasswordHash(user.id(), hash);
                }
                print(user.id().toString(), users.createKey(user.id(), "cli", Instant.now(), keyLifetime(keyLifetime)));
            } catch (SQLException | RuntimeException e) {
                throw new AdminClient.Failure("Could not create the user in " + database + ": " + e.getMessage());
            } catch (UserDirectory.AlreadyExists e) {
                throw new AdminClient.Failure(e.getMessage() + ".");
            }
        }

        private static Duration keyLifetime(String text) throws AdminClient.Failure {
            try {
                return GoDuration.parse(text);
            } catch (IllegalArgumentException e) {
                throw new AdminClient.Failure(
                        "--key-lifetime: \"" + text + "\" is not a duration. Fix: give one such as 720h or 90d.");
            }
        }

        private void print(String id, String key) {
            out().println("Created user " + username + " (" + id + ").");
            out().println("API key (shown once): " + key);
        }
    }

    @Command(name = "list", description = "Every user (owners and user admins).")
    static final class ListUsers extends AdminCommand {
        @Mixin
        ApiOptions api;

        @Override
        void run() throws AdminClient.Failure {
            JsonNode users = api.client().get("/api/v2/users").path("users");
            out().printf("%-36s  %-16s  %-28s  %-9s  %s%n", "ID", "USERNAME", "EMAIL", "STATUS", "ROLES");
            for (JsonNode user : users) {
                List<String> roles = new ArrayList<>();
                user.path("roles").forEach(role -> roles.add(role.asText()));
                out().printf(
                                "%-36s  %-16s  %-28s  %-9s  %s%n",
                                user.path("id").asText(),
                                user.path("username").asText(),
                                user.path("email").asText(),
                                user.path("status").asText(),
                                String.join(",", roles));
            }
        }
    }

    /** The user a command names: a username, an id, or "me". */
    abstract static class OneUser extends AdminCommand {
        @Mixin
        ApiOptions api;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "USER", description = "A username, a user id or me.")
        String user;

        String path() {
            return "/api/v2/users/" + java.net.URLEncoder.encode(user, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Command(
            name = "suspend",
            description = "Suspend a user: their API keys and web sessions stop working, and they and the account"
                    + " admins are notified.")
    static final class Suspend extends OneUser {
        @Override
        void run() throws AdminClient.Failure {
            JsonNode answer = api.client().put(path() + "/status/suspend", Map.of());
            out().println("User " + answer.path("username").asText() + " is "
                    + answer.path("status").asText() + ".");
        }
    }

    @Command(name = "activate", description = "Activate a suspended user; they and the account admins are notified.")
    static final class Activate extends OneUser {
        @Override
        void run() throws AdminClient.Failure {
            JsonNode answer = api.client().put(path() + "/status/activate", Map.of());
            out().println("User " + answer.path("username").asText() + " is "
                    + answer.path("status").asText() + ".");
        }
    }

    @Command(
            name = "delete",
            description = "Delete a user with their keys, preferences and messages; the account admins are notified.")
    static final class Delete extends OneUser {
        @Override
        void run() throws AdminClient.Failure {
            out().println(api.client().delete(path()).path("message").asText());
        }
    }

    @Command(name = "keys", description = "A user's API keys: id, name, created, last used, expiry.")
    static final class Keys extends OneUser {
        @Override
        void run() throws AdminClient.Failure {
            JsonNode keys = api.client().get(path() + "/keys/tokens");
            out().printf("%-10s  %-16s  %-20s  %-20s  %s%n", "ID", "NAME", "CREATED", "LAST USED", "EXPIRES");
            for (JsonNode key : keys) {
                out().printf(
                                "%-10s  %-16s  %-20s  %-20s  %s%n",
                                key.path("id").asText(),
                                key.path("token_name").asText(),
                                shortTime(key.path("created_at")),
                                shortTime(key.path("last_used")),
                                shortTime(key.path("expires_at")));
            }
        }

        private static String shortTime(JsonNode time) {
            return time.isNull() || time.isMissingNode()
                    ? "never"
                    : time.asText().replaceFirst("\\.\\d+", "");
        }
    }

    @Command(name = "revoke-key", description = "Revoke one of a user's API keys; it stops working at once.")
    static final class RevokeKey extends OneUser {
        @picocli.CommandLine.Parameters(
                index = "1",
                paramLabel = "KEY_ID",
                description = "The key's id (before the -).")
        String keyId;

        @Override
        void run() throws AdminClient.Failure {
            api.client()
                    .delete(path() + "/keys/"
                            + java.net.URLEncoder.encode(keyId, java.nio.charset.StandardCharsets.UTF_8));
            out().println("API key " + keyId + " is revoked.");
        }
    }
}
