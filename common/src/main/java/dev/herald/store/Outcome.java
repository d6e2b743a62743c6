package dev.herald.store;

import java.time.Instant;
import java.util.UUID;

/** What became of one leased message, waiting to be written back. */
public sealed interface Outcome {

    UUID id();

    /** The lease this outcome belongs to; the write is ignored if the row is no longer under it. */
    Instant leasedUntil();

    record Sent(UUID id, Instant leasedUntil) implements Outcome {}

    /** Counted as an attempt; claimable again from {@code nextRetryAfter}. */
    record TemporaryFailure(UUID id, Instant leasedUntil, String reason, Instant nextRetryAfter) implements Outcome {}

    /** Counted as an attempt; final. */
    record PermanentFailure(UUID id, Instant leasedUntil, String reason) implements Outcome {}
}
