package dev.herald.render;

import com.samskivert.mustache.Mustache;
import java.nio.charset.StandardCharsets;

/**
 * How a value is made safe for the place a template puts it. Labels come from producers and, through custom
 * notifications, from users: none may add a link, a tag or a header line.
 */
final class Escapers {

    private Escapers() {}

    /** Titles become email subjects: a line break there would start a new header. */
    static final Mustache.Escaper SINGLE_LINE = text -> text.replaceAll("[\\r\\n\\u2028\\u2029]+", " ");

    /**
     * Bodies are Markdown: every character that could open a link, image, emphasis, code span, heading or raw HTML
     * is backslash-escaped, and line breaks become spaces so a value cannot start a block of its own.
     */
    static final Mustache.Escaper MARKDOWN = text -> {
        String oneLine = SINGLE_LINE.escape(text);
        StringBuilder escaped = new StringBuilder(oneLine.length() + 8);
        for (int i = 0; i < oneLine.length(); i++) {
            char c = oneLine.charAt(i);
            if ("\\`*_{}[]()<>#!|~&".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    };

    /**
     * Action URLs: characters that could end the URL or the attribute it sits in are percent-encoded; the URL's
     * own structure ({@code /}, {@code :}, {@code ?}, {@code &}) is kept so the access URL passes through intact.
     */
    static final Mustache.Escaper URL = text -> {
        StringBuilder encoded = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean safe = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~:/?#@!$&()*+,;=%".indexOf(c) >= 0;
            if (safe) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return encoded.toString();
    };
}
