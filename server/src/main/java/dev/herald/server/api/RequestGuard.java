package dev.herald.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one place where every request is checked before any handler sees it: the path, each query and form parameter,
 * and JSON bodies must be text PostgreSQL and the handlers can take. What fails is answered 400 (or 415 for a body
 * that is not JSON) naming the field, so no handler ever meets a NUL byte, a lone surrogate, invalid UTF-8, a body
 * that is {@code null} or nested a thousand deep.
 */
final class RequestGuard {

    /** The JSON body as the guard parsed it, so that handlers bind it without parsing the text again. */
    static final String PARSED_BODY = "herald.parsed-body";

    private RequestGuard() {}

    static void check(Context context) {
        String path = context.path();
        String badPath = problem(decodedPath(path), false);
        if (badPath != null) {
            throw ApiException.badRequest("The request path " + badPath + ".");
        }
        Map<String, List<String>> query;
        try {
            query = context.queryParamMap();
        } catch (RuntimeException e) {
            throw ApiException.badRequest("The query string is not valid percent-encoded UTF-8.");
        }
        checkParameters(query, false);
        String method = context.method().name();
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            return;
        }
        byte[] body = context.bodyAsBytes();
        if (body.length == 0) {
            return;
        }
        String text = utf8(body);
        String contentType = context.contentType() == null
                ? ""
                : context.contentType().toLowerCase(Locale.ROOT).strip();
        checkCharset(contentType);
        if (path.startsWith("/api/")) {
            if (!contentType.isEmpty() && !contentType.startsWith("application/json")) {
                throw new ApiException(
                        415,
                        "The request body must be JSON.",
                        "Send it with Content-Type: application/json.",
                        List.of());
            }
            JsonNode root = checkJson(text);
            if (root != null) {
                context.attribute(PARSED_BODY, root);
            }
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
            Map<String, List<String>> form;
            try {
                form = context.formParamMap();
            } catch (RuntimeException e) {
                throw ApiException.badRequest("The form is not valid percent-encoded UTF-8.");
            }
            checkParameters(form, true);
        }
    }

    /** The body's top level must be an object, and every name and string in it storable text; returns it parsed. */
    private static JsonNode checkJson(String text) {
        if (text.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("The request body is beyond Herald's limits: "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ".");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            throw ApiException.badRequest("The request body is not valid JSON" + where + ".");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object, not "
                    + (root == null || root.isNull()
                            ? "null"
                            : root.getNodeType().name().toLowerCase(Locale.ROOT))
                    + ".");
        }
        checkNode(root, "");
        return root;
    }

    private static void checkNode(JsonNode node, String at) {
        if (node.isTextual()) {
            String problem = problem(node.textValue(), true);
            if (problem != null) {
                throw ApiException.badField(at, problem);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String name = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
                String problem = problem(field.getKey(), false);
                if (problem != null) {
                    throw ApiException.badField(name, "as a field name " + problem);
                }
                checkNode(field.getValue(), name);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkNode(node.get(i), at + "[" + i + "]");
            }
        }
    }

    private static void checkParameters(Map<String, List<String>> parameters, boolean multiline) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String problem = problem(parameter.getKey(), false);
            if (problem != null) {
                throw ApiException.badField("parameter name", problem);
            }
            for (String value : parameter.getValue()) {
                problem = problem(value, multiline);
                if (problem != null) {
                    throw ApiException.badField(parameter.getKey(), problem);
                }
            }
        }
    }

    /**
     * The path as handlers will see its parameters: percent-decoded as UTF-8. Path parameters are not known yet when
     * this runs, so the whole path is checked; a broken escape is refused here rather than in a handler.
     */
    private static String decodedPath(String path) {
        try {
            return java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("The request path is not valid percent-encoded UTF-8.");
        }
    }

    private static void checkCharset(String contentType) {
        int charset = contentType.indexOf("charset=");
        if (charset < 0) {
            return;
        }
        String name = contentType
                .substring(charset + "charset=".length())
                .replace("\"", "")
                .strip();
        int end = name.indexOf(';');
        name = end < 0 ? name : name.substring(0, end).strip();
        if (!name.equals("utf-8") && !name.equals("utf8")) {
            throw new ApiException(
                    415,
                    "Herald reads request bodies in UTF-8 only, not " + name + ".",
                    "Send the body in UTF-8 (charset=utf-8).",
                    List.of());
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("The request body is not valid UTF-8.");
        }
    }

    /**
     * Why the text cannot be taken, or null: a control character (a NUL, which PostgreSQL cannot store, or anything
     * that could forge a log line or a header), or half of a surrogate pair, which is not text at all. Line breaks
     * and tabs are text in a multi-line value.
     */
    static String problem(String text, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineBreakOrTab = c == '\n' || c == '\r' || c == '\t';
            if ((c < 0x20 && !(multiline && lineBreakOrTab)) || c == 0x7f) {
                return String.format("contains the control character U+%04X at position %d", (int) c, i + 1);
            }
            if (Character.isHighSurrogate(c)
                            && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return "contains half of a UTF-16 surrogate pair at position " + (i + 1);
            }
        }
        return null;
    }
}
