package dev.herald.scheduler;

import java.time.Duration;
import java.time.Instant;

/**
 * The ways a message can stop moving without anyone noticing, each found by its own partial index: the column named
 * here is the one that index orders by.
 */
public enum Stall {
    /** Still pending: the relay missed the row, or its token was lost. */
    PENDING("pending", "pending", "created_at", true),
    /** A temporary failure whose retry time passed long ago: the retry token was lost. */
    RETRY_OVERDUE("retry_overdue", "temporary_failure", "next_retry_after", true),
    /** Leased, and the lease ran out: the dispatcher died mid-send. */
    LEASE_EXPIRED("lease_expired", "leased", "leased_until", false);

    private final String label;
    final String status;
    final String column;
    private final boolean graceApplies;

    Stall(String label, String status, String column, boolean graceApplies) {
        this.label = label;
        this.status = status;
        this.column = column;
        this.graceApplies = graceApplies;
    }

    /** The name used in metrics and logs. */
    public String label() {
        return label;
    }

    /**
     * Rows whose column is at or before this are stalled. An expired lease is stalled at once: the lease period was
     * its grace.
     */
    Instant threshold(Instant now, Duration grace) {
        return graceApplies ? now.minus(grace) : now;
    }
}
