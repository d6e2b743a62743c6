package dev.herald.server.api;

import dev.herald.model.MessagePayload.Action;
import dev.herald.model.SystemTemplates;
import dev.herald.render.MarkdownFormatter;
import dev.herald.server.data.InboxStore;
import dev.herald.server.data.InboxStore.Filter;
import dev.herald.server.data.InboxStore.ReadStatus;
import dev.herald.server.inbox.InboxFeed;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The in-app inbox, as Coder's endpoints: list, watch (WebSocket), mark one read or unread, mark all read. A user
 * sees and changes only their own notifications.
 */
final class InboxApi {

    static final String LIST = "/api/v2/notifications/inbox";
    static final String WATCH = "/api/v2/notifications/inbox/watch";
    private static final String WATCHER = "herald.inbox.watcher";

    record ActionView(String label, String url) {}

    record NotificationView(
            UUID id,
            UUID userId,
            UUID templateId,
            List<UUID> targets,
            String title,
            String content,
            String icon,
            List<ActionView> actions,
            Instant readAt,
            Instant createdAt) {}

    record ListAnswer(List<NotificationView> notifications, int unreadCount) {}

    record OneAnswer(NotificationView notification, int unreadCount) {}

    record ReadStatusUpdate(Boolean isRead) {}

    private static final Set<String> LIST_PARAMETERS = Set.of("targets", "templates", "read_status", "starting_before");
    private static final Set<String> WATCH_PARAMETERS = Set.of("targets", "templates", "read_status", "format");
    private static final Map<UUID, String> FALLBACK_ICONS = fallbackIcons();

    private final ApiServices services;
    private final InboxStore inbox;
    private final InboxFeed feed;
    private final MarkdownFormatter markdown = new MarkdownFormatter();

    InboxApi(ApiServices services, InboxStore inbox, InboxFeed feed) {
        this.services = services;
        this.inbox = inbox;
        this.feed = feed;
    }

    void register(RoutesConfig routes) {
        routes.get(LIST, this::list);
        routes.put("/api/v2/notifications/inbox/mark-all-as-read", this::markAllRead);
        routes.put("/api/v2/notifications/inbox/{id}/read-status", this::setReadStatus);
        routes.ws(WATCH, this::watch);
    }

    private void list(Context context) throws SQLException {
        UUID user = Api.caller(context).user().id();
        Map<String, List<String>> query = context.queryParamMap();
        refuseUnknown(query, LIST_PARAMETERS);
        Filter filter = filter(
                query,
                Optional.ofNullable(single(query, "starting_before")).map(value -> uuid("starting_before", value)));
        List<NotificationView> page = inbox.list(user, filter).stream()
                .map(notification -> view(notification, false))
                .toList();
        context.json(new ListAnswer(page, inbox.unreadCount(user)));
    }

    private void setReadStatus(Context context) throws SQLException {
        UUID user = Api.caller(context).user().id();
        UUID id = Api.uuidParam(context, "id");
        ReadStatusUpdate update = Json.read(context, ReadStatusUpdate.class);
        if (update.isRead() == null) {
            throw ApiException.badField("is_read", "is required: true marks the notification read, false unread");
        }
        Optional<Instant> readAt =
                update.isRead() ? Optional.of(services.clock().instant()) : Optional.empty();
        if (!inbox.setRead(user, id, readAt)) {
            throw ApiException.notFound("You have no inbox notification " + id + ".");
        }
        InboxStore.Notification changed = inbox.find(user, id)
                .orElseThrow(() -> ApiException.notFound("You have no inbox notification " + id + "."));
        context.json(new OneAnswer(view(changed, false), inbox.unreadCount(user)));
    }

    private void markAllRead(Context context) throws SQLException {
        UUID user = Api.caller(context).user().id();
        inbox.markAllRead(user, services.clock().instant());
        context.status(204);
    }

    /**
     * The upgrade request was authenticated and its filters checked by {@link #beforeWatch}; from then on the socket
     * receives {@code {notification, unread_count}} for each new notification its filters admit.
     */
    private void watch(WsConfig ws) {
        ws.onConnect(context -> {
            WatchRequest request = context.attribute(WatchRequest.ATTRIBUTE);
            if (request == null) {
                context.closeSession(WsCloseStatus.POLICY_VIOLATION, "not authenticated");
                return;
            }
            InboxFeed.Watcher watcher = (notification, unreadCount) -> {
                if (request.filter().admits(notification)) {
                    context.send(new OneAnswer(view(notification, request.plainText()), unreadCount));
                }
            };
            context.attribute(WATCHER, watcher);
            feed.watch(request.user(), watcher);
            // Proxies close a socket that stays silent; Coder's watch pings for the same reason.
            context.enableAutomaticPings(15, TimeUnit.SECONDS);
        });
        ws.onClose(this::stopWatching);
        ws.onError(this::stopWatching);
    }

    private void stopWatching(WsContext context) {
        WatchRequest request = context.attribute(WatchRequest.ATTRIBUTE);
        InboxFeed.Watcher watcher = context.attribute(WATCHER);
        if (request != null && watcher != null) {
            feed.unwatch(request.user(), watcher);
        }
    }

    /** Runs before the upgrade, as a plain HTTP request: a refusal is an HTTP answer the client can read. */
    void beforeWatch(Context context) {
        UUID user = Api.caller(context).user().id();
        Map<String, List<String>> query = context.queryParamMap();
        refuseUnknown(query, WATCH_PARAMETERS);
        String format = Optional.ofNullable(single(query, "format")).orElse("markdown");
        if (!format.equals("markdown") && !format.equals("plaintext")) {
            throw ApiException.badField("format", "must be markdown or plaintext");
        }
        context.attribute(
                WatchRequest.ATTRIBUTE,
                new WatchRequest(user, filter(query, Optional.empty()), format.equals("plaintext")));
    }

    /** What a watch asked for, carried from the upgrade request to the socket. */
    record WatchRequest(UUID user, Filter filter, boolean plainText) {
        static final String ATTRIBUTE = "herald.inbox.watch";
    }

    NotificationView view(InboxStore.Notification notification, boolean plainText) {
        List<ActionView> actions = new ArrayList<>();
        for (Action action : notification.actions()) {
            actions.add(new ActionView(action.label(), action.url()));
        }
        String icon = notification.icon().isEmpty()
                ? FALLBACK_ICONS.getOrDefault(notification.templateId(), "")
                : notification.icon();
        return new NotificationView(
                notification.id(),
                notification.userId(),
                notification.templateId(),
                notification.targets(),
                plainText ? plain(notification.title()) : notification.title(),
                plainText ? plain(notification.content()) : notification.content(),
                icon,
                actions,
                notification.readAt().orElse(null),
                notification.createdAt());
    }

    private String plain(String markdownText) {
        return markdown.format(markdownText, false).plainText().strip();
    }

    private static Filter filter(Map<String, List<String>> query, Optional<UUID> startingBefore) {
        String status = Optional.ofNullable(single(query, "read_status")).orElse("all");
        ReadStatus readStatus = switch (status.toLowerCase(Locale.ROOT)) {
            case "all" -> ReadStatus.ALL;
            case "read" -> ReadStatus.READ;
            case "unread" -> ReadStatus.UNREAD;
            default -> throw ApiException.badField("read_status", "must be all, read or unread");
        };
        return new Filter(uuids(query, "targets"), uuids(query, "templates"), readStatus, startingBefore);
    }

    private static void refuseUnknown(Map<String, List<String>> query, Set<String> known) {
        for (String name : query.keySet()) {
            if (!known.contains(name)) {
                throw ApiException.badField(
                        name,
                        "is not a query parameter here (known: "
                                + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badField(name, "is given more than once");
        }
        return values.getFirst();
    }

    /** A comma-separated list of UUIDs, as Coder takes them. */
    private static List<UUID> uuids(Map<String, List<String>> query, String name) {
        String value = single(query, name);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<UUID> ids = new ArrayList<>();
        for (String part : value.split(",")) {
            ids.add(uuid(name, part.strip()));
        }
        return ids;
    }

    private static UUID uuid(String name, String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(name, "\"" + text + "\" is not a UUID");
        }
    }

    /** Coder's icons for a notification that names none: by what the notification is about. */
    private static Map<UUID, String> fallbackIcons() {
        String workspace = "DEFAULT_WORKSPACE_ICON";
        String account = "DEFAULT_ACCOUNT_ICON";
        String template = "DEFAULT_TEMPLATE_ICON";
        return Map.ofEntries(
                Map.entry(SystemTemplates.WORKSPACE_CREATED, workspace),
                Map.entry(SystemTemplates.WORKSPACE_MANUALLY_UPDATED, workspace),
                Map.entry(SystemTemplates.WORKSPACE_DELETED, workspace),
                Map.entry(SystemTemplates.WORKSPACE_AUTOBUILD_FAILED, workspace),
                Map.entry(SystemTemplates.WORKSPACE_DORMANT, workspace),
                Map.entry(SystemTemplates.WORKSPACE_AUTO_UPDATED, workspace),
                Map.entry(SystemTemplates.WORKSPACE_MARKED_FOR_DELETION, workspace),
                Map.entry(SystemTemplates.WORKSPACE_MANUAL_BUILD_FAILED, workspace),
                Map.entry(SystemTemplates.WORKSPACE_OUT_OF_MEMORY, workspace),
                Map.entry(SystemTemplates.WORKSPACE_OUT_OF_DISK, workspace),
                Map.entry(SystemTemplates.USER_ACCOUNT_CREATED, account),
                Map.entry(SystemTemplates.USER_ACCOUNT_DELETED, account),
                Map.entry(SystemTemplates.USER_ACCOUNT_SUSPENDED, account),
                Map.entry(SystemTemplates.USER_ACCOUNT_ACTIVATED, account),
                Map.entry(SystemTemplates.YOUR_ACCOUNT_SUSPENDED, account),
                Map.entry(SystemTemplates.YOUR_ACCOUNT_ACTIVATED, account),
                Map.entry(SystemTemplates.ONE_TIME_PASSCODE, account),
                Map.entry(SystemTemplates.TEMPLATE_DELETED, template),
                Map.entry(SystemTemplates.TEMPLATE_DEPRECATED, template),
                Map.entry(SystemTemplates.WORKSPACE_BUILDS_FAILED_REPORT, template),
                Map.entry(SystemTemplates.TEST_NOTIFICATION, "DEFAULT_OTHER_ICON"));
    }
}
