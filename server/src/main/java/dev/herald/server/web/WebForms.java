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
        seeOther(context, to + (to.contains("?") ? "&" : "?") + "notice=" + encode(shortened(notice)));
    }

    static void seeOtherWithError(Context context, String to, String error) {
        seeOther(context, to + (to.contains("?") ? "&" : "?") + "error=" + encode(shortened(error)));
    }

    /** What travels in a redirect's URL stays short: a message may quote what a user typed, at any length. */
    static String shortened(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
    }

    static final String HOME = "/settings/notifications";

    /** Characters of a notice or error carried in a redirect; the response headers must stay well under 8 KiB. */
    static final int MAX_MESSAGE = 300;

    /**
     * Only paths on this server: an open redirect through the sign-in page would help phishing. Browsers drop tabs and
     * line breaks from URLs and read a backslash as a slash, so {@code /<TAB>/evil.example} or {@code /\evil.example}
     * would leave the site; anything but a plain absolute path goes home instead.
     */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//")) {
            return HOME;
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c <= ' '
                    || c == '\\'
                    || Character.isISOControl(c)
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)) {
                return HOME;
            }
        }
        int slashes = 0;
        while (slashes < next.length() && (next.charAt(slashes) == '/')) {
            slashes++;
        }
        return slashes > 1 || next.contains("://") ? HOME : next;
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
