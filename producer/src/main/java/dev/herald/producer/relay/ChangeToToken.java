package dev.herald.producer.relay;

import dev.herald.model.NotificationMethod;
import dev.herald.token.WorkToken;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads a Debezium change event for {@code notification_messages} into a work token. Anything that is not the insert
 * of a row (heartbeats, and any other operation should the publication ever widen) yields nothing.
 */
final class ChangeToToken {

    /**
     * The columns a token is made of, as Debezium's column.include.list names them: the relay streams no others. Not
     * created_at: the token's time is the commit's, which Debezium has as a number, while a timestamptz column is
     * parsed from text and formatted back to text for every change (a fifth of the change-event thread's samples in
     * issue 14's profile).
     */
    static final String COLUMNS =
            "public\\.notification_messages\\.(id|method|notification_template_id|user_id|attempt_count)";

    private ChangeToToken() {}

    static Optional<WorkToken> toToken(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("after") == null) {
            return Optional.empty();
        }
        if (value.schema().field("op") == null || !"c".equals(value.getString("op"))) {
            return Optional.empty();
        }
        Struct after = value.getStruct("after");
        if (after == null) {
            return Optional.empty();
        }
        Struct source = value.schema().field("source") == null ? null : value.getStruct("source");
        Long committedMillis = source == null ? null : source.getInt64("ts_ms");
        // Debezium hands uuid, enum and timestamptz columns over as strings.
        Integer attempts = after.getInt32("attempt_count");
        return Optional.of(new WorkToken(
                UUID.fromString(after.getString("id")),
                NotificationMethod.fromSql(after.getString("method")),
                UUID.fromString(after.getString("notification_template_id")),
                UUID.fromString(after.getString("user_id")),
                committedMillis == null ? Instant.EPOCH : Instant.ofEpochMilli(committedMillis),
                attempts == null ? 0 : attempts));
    }
}
