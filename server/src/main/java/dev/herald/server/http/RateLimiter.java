package dev.herald.server.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a client address, a username, a user): {@code burst} actions at once, then one more every
 * {@code refill}. Memory stays bounded whatever keys a client invents: when {@code maxKeys} buckets exist, the full
 * ones (idle keys) are forgotten, and if every bucket is in use the oldest half goes.
 */
public final class RateLimiter {

    private static final class Bucket {
        private double tokens;
        private volatile Instant updated;

        Bucket(double tokens, Instant updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    private final int burst;
    private final Duration refill;
    private final int maxKeys;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int burst, Duration refill, int maxKeys, Clock clock) {
        if (burst < 1 || refill.isNegative() || refill.isZero()) {
            throw new IllegalArgumentException("a rate limit needs a burst of at least 1 and a positive refill");
        }
        this.burst = burst;
        this.refill = refill;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    /** Takes a token for {@code key}: empty when allowed, otherwise how long until one is free. */
    public Optional<Duration> acquire(String key) {
        return take(key, true);
    }

    /** Whether {@code key} could act now, without taking a token: empty when it could. */
    public Optional<Duration> check(String key) {
        return take(key, false);
    }

    private Optional<Duration> take(String key, boolean consume) {
        Instant now = clock.instant();
        if (buckets.size() >= maxKeys && !buckets.containsKey(key)) {
            evict(now);
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            refill(bucket, now);
            if (bucket.tokens >= 1) {
                if (consume) {
                    bucket.tokens -= 1;
                }
                return Optional.empty();
            }
            // To the millisecond: finer would only show the fractions the refill arithmetic leaves behind.
            return Optional.of(Duration.ofMillis(Math.max(1, Math.round((1 - bucket.tokens) * refill.toMillis()))));
        }
    }

    private void refill(Bucket bucket, Instant now) {
        if (now.isAfter(bucket.updated)) {
            double earned = (double) Duration.between(bucket.updated, now).toNanos() / refill.toNanos();
            bucket.tokens = Math.min(burst, bucket.tokens + earned);
            bucket.updated = now;
        }
    }

    private void evict(Instant now) {
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                refill(bucket, now);
                return bucket.tokens >= burst;
            }
        });
        if (buckets.size() >= maxKeys) {
            // A snapshot of the times, so that buckets changing meanwhile cannot upset the sort.
            record Age(String key, Instant updated) {}
            buckets.entrySet().stream()
                    .map(entry -> new Age(entry.getKey(), entry.getValue().updated))
                    .sorted(java.util.Comparator.comparing(Age::updated))
                    .limit(buckets.size() / 2 + 1)
                    .map(Age::key)
                    .toList()
                    .forEach(buckets::remove);
        }
    }

    /** How many keys are remembered (for tests of the memory bound). */
    public int size() {
        return buckets.size();
    }

    /** Whole seconds, rounded up, as the {@code Retry-After} header wants them. */
    public static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
