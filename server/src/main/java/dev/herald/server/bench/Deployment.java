package dev.herald.server.bench;

import dev.herald.db.DatabaseUrl;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A running deployment: the bench enqueues into its database, and its webhook endpoint or smarthost must point at the
 * bench's receivers. Its CPU is known when its processes run on this machine and their pids are given.
 */
record Deployment(DatabaseUrl database, List<Long> pids) implements BenchTarget {

    @Override
    public Optional<Duration> cpu() {
        if (pids.isEmpty()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        for (long pid : pids) {
            Optional<Duration> used =
                    ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration());
            if (used.isEmpty()) {
                return Optional.empty();
            }
            total = total.plus(used.get());
        }
        return Optional.of(total);
    }

    @Override
    public String describe() {
        return "the deployment at " + database + (pids.isEmpty() ? "" : ", processes " + pids);
    }

    @Override
    public void close() {}
}
