package dev.herald.producer.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.token.WorkToken;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ChangeToTokenTest {

    private static final List<String> TOKEN_COLUMNS =
            List.of("id", "method", "notification_template_id", "user_id", "attempt_count");

    @Test
    void theRelayStreamsTheTokensColumnsAndNoOthers() {
        Pattern included = Pattern.compile(ChangeToToken.COLUMNS);
        for (String column : TOKEN_COLUMNS) {
            assertThat(included.matcher("public.notification_messages." + column)
                            .matches())
                    .as(column)
                    .isTrue();
        }
        for (String column : List.of(
                "payload",
                "targets",
                "created_at",
                "status",
                "status_reason",
                "created_by",
                "updated_at",
                "leased_until",
                "next_retry_after",
                "queued_seconds",
                "dedupe_hash")) {
            assertThat(included.matcher("public.notification_messages." + column)
                            .matches())
                    .as(column)
                    .isFalse();
        }
        assertThat(included.matcher("public.other_table.id").matches()).isFalse();
    }

    @Test
    void aTokenIsMadeFromThoseColumnsAndTheCommitTime() {
        SchemaBuilder row = SchemaBuilder.struct();
        TOKEN_COLUMNS.forEach(column ->
                row.field(column, column.equals("attempt_count") ? Schema.INT32_SCHEMA : Schema.STRING_SCHEMA));
        Schema rowSchema = row.build();
        Schema sourceSchema =
                SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct()
                .field("op", Schema.STRING_SCHEMA)
                .field("after", rowSchema)
                .field("source", sourceSchema)
                .build();
        UUID id = UUID.randomUUID();
        UUID template = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        Struct after = new Struct(rowSchema)
                .put("id", id.toString())
                .put("method", "webhook")
                .put("notification_template_id", template.toString())
                .put("user_id", user.toString())
                .put("attempt_count", 0);
        SourceRecord record = new SourceRecord(
                null,
                null,
                "t",
                envelope,
                new Struct(envelope)
                        .put("op", "c")
                        .put("after", after)
                        .put("source", new Struct(sourceSchema).put("ts_ms", 1_796_040_000_123L)));

        WorkToken token = ChangeToToken.toToken(record).orElseThrow();

        assertThat(token.messageId()).isEqualTo(id);
        assertThat(token.method()).isEqualTo(NotificationMethod.WEBHOOK);
        assertThat(token.templateId()).isEqualTo(template);
        assertThat(token.userId()).isEqualTo(user);
        assertThat(token.createdAt())
                .as("the commit time Debezium reports")
                .isEqualTo(Instant.ofEpochMilli(1_796_040_000_123L));
    }
}
