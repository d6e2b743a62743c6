package dev.herald.server.bench;

import dev.herald.model.SystemTemplates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One measured run: enqueue {@code messages} test notifications for one recipient (all at once in batches, or paced
 * at a rate), wait until the receiver has seen every one, and measure throughput, Herald's CPU and each message's
 * time from the commit of its enqueue to its arrival.
 */
final class BenchRun {

    /** Messages per enqueue statement (and transaction) when enqueuing all at once. */
    static final int BATCH = 500;

    private static final String ENQUEUE = "SELECT enqueue_notification_message(?, ?, '{}'::jsonb,"
            + " jsonb_build_object('run', ?::text, 'n', n), 'herald-bench') FROM generate_series(?, ?) AS n";

    private final DataSource database;
    private final BenchReceiver receiver;
    private final BenchTarget target;
    private final UUID recipient;

    BenchRun(DataSource database, BenchReceiver receiver, BenchTarget target, UUID recipient) {
        this.database = database;
        this.receiver = receiver;
        this.target = target;
        this.recipient = recipient;
    }

    /**
     * @param rate messages a second, or 0 for all at once
     * @param timeout how long to wait for the last delivery
     */
    BenchReport run(String method, int messages, int rate, Duration timeout) throws SQLException, InterruptedException {
        String run = UUID.randomUUID().toString();
        Map<String, Long> committed = new ConcurrentHashMap<>();
        int before = receiver.arrivals().size();
        Optional<Duration> cpuBefore = target.cpu();
        Optional<Duration> databaseBefore = target.databaseCpu();
        Optional<Duration> benchBefore = ProcessHandle.current().info().totalCpuDuration();
        long start = System.nanoTime();
        if (rate <= 0) {
            for (int first = 0; first < messages; first += BATCH) {
                enqueue(run, first, Math.min(messages, first + BATCH) - 1, committed);
            }
        } else {
            // Ticks of 10 ms: fine enough that the offered load is steady, coarse enough for one statement each.
            long tick = TimeUnit.MILLISECONDS.toNanos(10);
            int sent = 0;
            for (long n = 1; sent < messages; n++) {
                int due = (int) Math.min(messages, (long) rate * n / 100);
                if (due > sent) {
                    enqueue(run, sent, due - 1, committed);
                    sent = due;
                }
                long wait = start + n * tick - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        double enqueueSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + timeout.toNanos();
        // Counting arrivals, not looking each id up: the bench shares the machine with Herald and must stay light.
        while (receiver.arrivals().size() - before < messages && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long end = lastArrival(committed, start);
        Optional<Duration> cpuAfter = target.cpu();
        Optional<Duration> databaseAfter = target.databaseCpu();
        Optional<Duration> benchAfter = ProcessHandle.current().info().totalCpuDuration();
        List<Long> latencies = new ArrayList<>();
        committed.forEach((id, at) -> {
            Long arrival = receiver.arrivals().get(id);
            if (arrival != null) {
                latencies.add(TimeUnit.NANOSECONDS.toMillis(Math.max(0, arrival - at)));
            }
        });
        BenchReport.Cpu cpu = new BenchReport.Cpu(
                seconds(cpuBefore, cpuAfter), seconds(databaseBefore, databaseAfter), seconds(benchBefore, benchAfter));
        return new BenchReport(
                target.describe(),
                method,
                messages,
                rate,
                enqueueSeconds,
                (end - start) / 1e9,
                latencies.size(),
                receiver.repeats(),
                cpu,
                latencies,
                target.metrics().map(uri -> BenchStages.read(uri, method)).orElse(Map.of()));
    }

    private static Double seconds(Optional<Duration> before, Optional<Duration> after) {
        return before.isPresent() && after.isPresent()
                ? after.get().minus(before.get()).toNanos() / 1e9
                : null;
    }

    private void enqueue(String run, int first, int last, Map<String, Long> committed) throws SQLException {
        List<String> ids = new ArrayList<>(last - first + 1);
        try (Connection connection = database.getConnection();
                PreparedStatement enqueue = connection.prepareStatement(ENQUEUE)) {
            enqueue.setObject(1, SystemTemplates.TEST_NOTIFICATION);
            enqueue.setObject(2, recipient);
            enqueue.setString(3, run);
            enqueue.setInt(4, first);
            enqueue.setInt(5, last);
            try (ResultSet rows = enqueue.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        long at = System.nanoTime();
        ids.forEach(id -> committed.put(id, at));
    }

    private long lastArrival(Map<String, Long> committed, long start) {
        long last = start;
        for (String id : committed.keySet()) {
            Long arrival = receiver.arrivals().get(id);
            if (arrival != null && arrival > last) {
                last = arrival;
            }
        }
        return last;
    }
}
