package dev.herald.server.web;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders the web UI's pages: a page template inside the layout. Mustache escapes every value for HTML, so nothing a
 * user or producer wrote can become markup.
 */
final class Pages {

    private final Mustache.Compiler compiler = Mustache.compiler().defaultValue("");
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    /** Renders {@code page} with {@code model} into the layout, with what every page shows about the session. */
    void render(Context context, int status, String page, String title, WebSessionView session, Map<String, ?> model) {
        Map<String, Object> values = new HashMap<>(model);
        if (session != null) {
            values.put("csrf", session.csrf());
        }
        String content = template(page).execute(values);
        Map<String, Object> layout = new HashMap<>();
        layout.put("title", title);
        layout.put("content", content);
        layout.put("notice", context.queryParam("notice"));
        layout.put("error", model.containsKey("error") ? model.get("error") : context.queryParam("error"));
        if (session != null) {
            layout.put("signedIn", true);
            layout.put("username", session.user().username());
            layout.put("owner", session.owner());
            layout.put("dev", session.dev());
            layout.put("csrf", session.csrf());
            layout.put("nav" + section(page), true);
        }
        context.status(status)
                .contentType("text/html; charset=utf-8")
                .result(template("layout").execute(layout));
    }

    /** A page's content without the layout: what a page swaps in when it refreshes part of itself. */
    void fragment(Context context, String page, Map<String, ?> model) {
        context.contentType("text/html; charset=utf-8").result(html(page, model));
    }

    /** A template's content as HTML, for a page that embeds it. */
    String html(String page, Map<String, ?> model) {
        return template(page).execute(model);
    }

    /** A page that only explains: why something was refused or could not be found. */
    void problem(Context context, int status, WebSessionView session, String heading, String explanation) {
        render(context, status, "problem", heading, session, Map.of("heading", heading, "explanation", explanation));
    }

    private static String section(String page) {
        return switch (page) {
            case "preferences" -> "Account";
            case "deployment" -> "Deployment";
            case "messages", "message" -> "Messages";
            case "mail" -> "Mail";
            case "users" -> "Users";
            case "fleet" -> "Fleet";
            case "overview" -> "Overview";
            default -> "None";
        };
    }

    private Template template(String name) {
        return templates.computeIfAbsent(name, key -> {
            try (InputStream in = Pages.class.getResourceAsStream("/web/" + key + ".mustache")) {
                if (in == null) {
                    throw new IllegalStateException("web page template " + key + " is missing from the build");
                }
                return compiler.compile(new InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
