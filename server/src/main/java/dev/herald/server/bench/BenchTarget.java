package dev.herald.server.bench;

import dev.herald.db.DatabaseUrl;
import java.time.Duration;
import java.util.Optional;

/** The Herald a bench runs against: where to enqueue, and how much CPU its processes have used so far. */
interface BenchTarget extends AutoCloseable {

    DatabaseUrl database();

    /** The CPU time of Herald's processes so far; empty when the bench cannot see them. */
    Optional<Duration> cpu();

    /**
     * The CPU time of the PostgreSQL server so far, when the bench started it and so knows that nothing else runs
     * there; empty otherwise.
     */
    default Optional<Duration> databaseCpu() {
        return Optional.empty();
    }

    String describe();

    /** Where Herald's Prometheus metrics are served, when the bench knows. */
    default java.util.Optional<java.net.URI> metrics() {
        return java.util.Optional.empty();
    }

    /** Stops what the bench started; waiting for it is cut short on interrupt, and a failure only reported. */
    @Override
    void close() throws java.io.IOException;
}
