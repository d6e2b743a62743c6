package dev.herald.producer.relay;

import dev.herald.model.NotificationMethod;
import dev.herald.token.WorkToken;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads a Debezium change event for {@code notification_messages} into a work token. Anything that is not the insert
 * of a row (heartbeats, and any other operation should the publication ever widen) yields nothing.
 */
final class ChangeToToken {

    /** The columns a token is made of, as Debezium's column.include.list names them: the relay streams no others. */
    static final String COLUMNS = "public\\.notification_messages\\."
            + "(id|method|notification_template_id|user_id|created_at|attempt_count)";

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
        // Debezium hands uuid, enum and timestamptz columns over as strings.
        Integer attempts = after.getInt32("attempt_count");
        return Optional.of(new WorkToken(
                UUID.fromString(after.getString("id")),
                NotificationMethod.fromSql(after.getString("method")),
                UUID.fromString(after.getString("notification_template_id")),
                UUID.fromString(after.getString("user_id")),
                OffsetDateTime.parse(after.getString("created_at")).toInstant(),
                attempts == null ? 0 : attempts));
    }
}
