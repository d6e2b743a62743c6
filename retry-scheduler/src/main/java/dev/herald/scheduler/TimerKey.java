package dev.herald.scheduler;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

/**
 * The key of a retry timer in the state store: the due time (big-endian epoch milliseconds) followed by the message
 * id. The store orders keys by their bytes, so one range scan from the lowest key up to "now" yields exactly the
 * timers that are due, oldest first.
 */
final class TimerKey {

    static final int LENGTH = Long.BYTES + 2 * Long.BYTES;

    private TimerKey() {}

    static byte[] of(Instant due, UUID messageId) {
        return ByteBuffer.allocate(LENGTH)
                .putLong(Math.max(0, due.toEpochMilli()))
                .putLong(messageId.getMostSignificantBits())
                .putLong(messageId.getLeastSignificantBits())
                .array();
    }

    /** The lowest possible key: every timer sorts after it. */
    static byte[] lowest() {
        return new byte[LENGTH];
    }

    /** The highest key due at {@code now}: every timer due at or before it sorts before it. */
    static byte[] highestDueAt(Instant now) {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH).putLong(Math.max(0, now.toEpochMilli()));
        while (buffer.hasRemaining()) {
            buffer.put((byte) 0xFF);
        }
        return buffer.array();
    }

    static Instant due(byte[] key) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(key).getLong());
    }
}
