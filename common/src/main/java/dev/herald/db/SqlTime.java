package dev.herald.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as JDBC parameters: an explicit UTC offset is unambiguous whatever the session's time zone. */
public final class SqlTime {

    private SqlTime() {}

    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
