package dev.herald.server.api;

import dev.herald.producer.EnqueueResult;
import io.javalin.http.Context;
import java.util.UUID;

/** Small helpers every handler shares. */
final class Api {

    private Api() {}

    /** The authenticated caller; the authentication filter has run for every /api/v2 route. */
    static Caller caller(Context context) {
        Caller caller = context.attribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw new ApiException(401, "You are not signed in.", "", java.util.List.of());
        }
        return caller;
    }

    static UUID uuidParam(Context context, String name) {
        String value = context.pathParam(name);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(name, "\"" + value + "\" is not a UUID");
        }
    }

    /** Coder's answer to a notification sent on request (test, custom): 204 and no body once it is enqueued. */
    static void answerEnqueue(Context context, EnqueueResult result) {
        enqueued(result);
        context.status(204);
    }

    /** Enqueued: {@code status} with the id. */
    static void answerEnqueue(Context context, EnqueueResult result, int status) {
        context.status(status)
                .json(new NotificationsApi.Enqueued(enqueued(result).messageId()));
    }

    /** The message when it was enqueued; a duplicate answers 409, an opt-out 422, each with its reason. */
    private static EnqueueResult.Enqueued enqueued(EnqueueResult result) {
        return switch (result) {
            case EnqueueResult.Enqueued enqueued -> enqueued;
            case EnqueueResult.Duplicate duplicate ->
                throw ApiException.conflict(
                        "This notification was already sent to the user today.", duplicate.reason());
            case EnqueueResult.DisabledByUser disabled ->
                throw new ApiException(
                        422, "The user turned this notification off.", disabled.reason(), java.util.List.of());
        };
    }
}
