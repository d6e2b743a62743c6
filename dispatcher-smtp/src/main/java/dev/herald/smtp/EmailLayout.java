package dev.herald.smtp;

import dev.herald.dispatch.Delivery;
import dev.herald.model.Appearance;
import dev.herald.model.MessagePayload.Action;

/**
 * The HTML and plain-text forms of an email: a single centred card that reads well on a phone, headed by the
 * deployment's logo and application name, the body, the actions as buttons (links in the text form) and a footer with
 * links to manage the recipient's notification settings and to stop this kind. Styles are inline because most mail
 * clients drop style sheets.
 */
final class EmailLayout {

    private EmailLayout() {}

    static String html(Delivery delivery, Appearance appearance) {
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(escape(delivery.rendered().title()))
                .append("</title></head>\n")
                .append("<body style=\"margin:0;padding:0;background:#f4f4f5;\">\n")
                .append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\""
                        + " style=\"background:#f4f4f5;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n")
                .append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\""
                        + " style=\"max-width:560px;background:#ffffff;border-radius:8px;"
                        + "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#18181b;\">\n")
                .append("<tr><td style=\"padding:20px 28px 0;font-size:13px;font-weight:600;color:#52525b;\">");
        appearance
                .safeLogoUrl()
                .ifPresent(logo -> html.append("<img src=\"")
                        .append(escape(logo))
                        .append("\" alt=\"")
                        .append(escape(appearance.displayName()))
                        .append(" logo\" height=\"24\" style=\"height:24px;vertical-align:middle;margin-right:8px;"
                                + "border:0;\">"));
        html.append(escape(appearance.displayName()))
                .append("</td></tr>\n")
                .append("<tr><td style=\"padding:12px 28px 8px;font-size:20px;font-weight:600;line-height:1.3;\">")
                .append(escape(delivery.rendered().title()))
                .append("</td></tr>\n")
                .append("<tr><td style=\"padding:8px 28px;font-size:15px;line-height:1.6;\">\n")
                .append(delivery.bodyHtml())
                .append("</td></tr>\n");
        if (!delivery.rendered().actions().isEmpty()) {
            html.append("<tr><td style=\"padding:12px 28px 20px;\">");
            for (Action action : delivery.rendered().actions()) {
                html.append("<a href=\"")
                        .append(escape(action.url()))
                        .append("\" style=\"display:inline-block;margin:4px 8px 4px 0;padding:10px 18px;"
                                + "background:#2563eb;color:#ffffff;border-radius:6px;text-decoration:none;"
                                + "font-size:14px;font-weight:600;\">")
                        .append(escape(action.label()))
                        .append("</a>");
            }
            html.append("</td></tr>\n");
        }
        html.append("<tr><td style=\"padding:16px 28px 24px;border-top:1px solid #e4e4e7;font-size:12px;"
                        + "color:#71717a;\">You received this from ")
                .append(escape(appearance.displayName()))
                .append(" because of your notification settings. <a href=\"")
                .append(escape(delivery.settingsUrl()))
                .append("\" style=\"color:#71717a;\">Manage notification settings</a> &middot; <a href=\"")
                .append(escape(delivery.preferencesUrl()))
                .append("\" style=\"color:#71717a;\">Stop receiving these</a>.</td></tr>\n")
                .append("</table>\n</td></tr></table>\n</body></html>\n");
        return html.toString();
    }

    static String text(Delivery delivery, Appearance appearance) {
        StringBuilder text = new StringBuilder(delivery.bodyText()).append("\n");
        if (!delivery.rendered().actions().isEmpty()) {
            text.append('\n');
            for (Action action : delivery.rendered().actions()) {
                text.append(action.label()).append(": ").append(action.url()).append('\n');
            }
        }
        text.append("\n--\nFrom ")
                .append(appearance.displayName())
                .append(".\nManage notification settings: ")
                .append(delivery.settingsUrl())
                .append("\nStop receiving these: ")
                .append(delivery.preferencesUrl())
                .append('\n');
        return text.toString();
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
