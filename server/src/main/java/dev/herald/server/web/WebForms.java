package dev.herald.server.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** What every page does with forms, links and redirects. */
final class WebForms {

    private WebForms() {}

    /** A form field, stripped; empty when absent. */
    static String form(Context context, String name) {
        String value = context.formParam(name);
        return value == null ? "" : value.strip();
    }

    /** After a POST, the browser loads {@code to} with a GET (so a reload does not post again). */
    static void seeOther(Context context, String to) {
        context.redirect(to, HttpStatus.SEE_OTHER);
    }

    static void seeOtherWithNotice(Context context, String to, String notice) {
        seeOther(context, to + (to.contains("?") ? "&" : "?") + "notice=" + encode(notice));
    }

    static void seeOtherWithError(Context context, String to, String error) {
        seeOther(context, to + (to.contains("?") ? "&" : "?") + "error=" + encode(error));
    }

    /** Only paths on this server: an open redirect through the sign-in page would help phishing. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return "/settings/notifications";
        }
        return next;
    }

    /** The id, or null when the text is not one. */
    static UUID parseUuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
