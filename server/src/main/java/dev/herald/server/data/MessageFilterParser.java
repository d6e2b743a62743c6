package dev.herald.server.data;

import dev.herald.model.MessageStatus;
import dev.herald.model.NotificationMethod;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads a message filter from query parameters, for the API and the web UI's message explorer alike. Every value is
 * checked; each one that is not valid becomes a {@link Problem} naming its parameter, and the API answers those with
 * 400 while the web page shows them.
 */
public final class MessageFilterParser {

    /** One parameter that could not be used, and why. */
    public record Problem(String parameter, String reason) {}

    /** The filter made of every valid parameter, and the parameters that were not. */
    public record Parsed(MessageFilter filter, List<Problem> problems) {}

    /** Where the two ends of the time range are read from, and how times are written there. */
    public record TimeFields(String after, String before, Function<String, Instant> parser, String example) {}

    /** The API's: {@code created_after} and {@code created_before}, RFC 3339. */
    public static final TimeFields API_TIMES = new TimeFields(
            "created_after", "created_before", Instant::parse, "an RFC 3339 time such as 2026-11-26T10:00:00Z");

    /** The web form's: {@code from} and {@code to}, as a browser's datetime-local field sends them, in UTC. */
    public static final TimeFields FORM_TIMES = new TimeFields(
            "from",
            "to",
            text -> LocalDateTime.parse(text, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"))
                    .toInstant(ZoneOffset.UTC),
            "a date and time such as 2026-11-26T10:00");

    private static final List<String> STATUSES =
            Arrays.stream(MessageStatus.values()).map(MessageStatus::sqlName).toList();
    private static final List<String> METHODS = Arrays.stream(NotificationMethod.values())
            .map(NotificationMethod::sqlName)
            .toList();

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private final UserDirectory users;

    public MessageFilterParser(UserDirectory users) {
        this.users = users;
    }

    /**
     * @param query a parameter's value by name, null when absent
     */
    public Parsed parse(Function<String, String> query, TimeFields times, int limit) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        Optional<String> status = oneOf(query, "status", STATUSES, problems);
        Optional<String> method = oneOf(query, "method", METHODS, problems);
        Optional<UUID> template = present(query, "template_id").flatMap(text -> {
            try {
                return Optional.of(UUID.fromString(text));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("template_id", "\"" + text + "\" is not a UUID"));
                return Optional.empty();
            }
        });
        Optional<UUID> user = Optional.empty();
        Optional<String> userText = present(query, "user");
        if (userText.isPresent()) {
            user = users.find(userText.get()).map(User::id);
            if (user.isEmpty()) {
                problems.add(new Problem("user", "\"" + userText.get() + "\" is not a user"));
            }
        }
        Optional<Instant> after = time(query, times.after(), times, problems);
        Optional<Instant> before = time(query, times.before(), times, problems);
        Optional<MessageFilter.PageCursor> cursor = present(query, "before").flatMap(text -> {
            try {
                MessageFilter.PageCursor decoded = MessageFilter.PageCursor.decode(text);
                if (!storable(decoded.createdAt())) {
                    throw new IllegalArgumentException("not a time Herald stores");
                }
                return Optional.of(decoded);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("before", "is not a page cursor that Herald handed out"));
                return Optional.empty();
            }
        });
        return new Parsed(
                new MessageFilter(status, user, template, method, after, before, cursor, limit), List.copyOf(problems));
    }

    private static Optional<String> present(Function<String, String> query, String name) {
        String value = query.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static Optional<String> oneOf(
            Function<String, String> query, String name, List<String> allowed, List<Problem> problems) {
        Optional<String> value = present(query, name);
        if (value.isPresent() && !allowed.contains(value.get())) {
            problems.add(new Problem(name, "\"" + value.get() + "\" is not one of " + allowed));
            return Optional.empty();
        }
        return value;
    }

    private static Optional<Instant> time(
            Function<String, String> query, String name, TimeFields times, List<Problem> problems) {
        Optional<String> value = present(query, name);
        try {
            Optional<Instant> time = value.map(times.parser());
            if (time.isPresent() && !storable(time.get())) {
                problems.add(new Problem(name, "\"" + value.get() + "\" is outside the years 1 to 9999"));
                return Optional.empty();
            }
            return time;
        } catch (DateTimeParseException e) {
            problems.add(new Problem(name, "\"" + value.get() + "\" is not " + times.example()));
            return Optional.empty();
        }
    }

    /** Within the years PostgreSQL and every reader of the table handle without surprise. */
    static boolean storable(Instant time) {
        return !time.isBefore(EARLIEST) && time.isBefore(LATEST);
    }
}
