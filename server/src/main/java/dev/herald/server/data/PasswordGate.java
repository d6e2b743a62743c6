package dev.herald.server.data;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks passwords against their bcrypt hashes, a bounded number at once, so that a storm of sign-ins costs at most
 * that many cores and never a database connection. Every answer costs one full bcrypt check, whether the user is
 * unknown, has no password, is suspended or typed the wrong password: the time taken tells nothing about who exists.
 */
public final class PasswordGate {

    /** Thrown when every slot stayed busy for the whole wait: the caller should be told to come back. */
    public static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("every password check slot is busy");
        }
    }

    /** A real hash of a random password, checked against when there is no hash to check; made on first need. */
    private static final class NoPassword {
        static final String HASH = Passwords.hash(UUID.randomUUID().toString());
    }

    private final Semaphore slots;
    private final Duration wait;
    private final AtomicLong checks = new AtomicLong();

    /**
     * @param concurrency how many checks may run at once (each keeps a core busy for a few hundred milliseconds)
     * @param wait how long a check may wait for a slot before the caller is told to come back
     */
    public PasswordGate(int concurrency, Duration wait) {
        this(new Semaphore(concurrency, true), wait);
    }

    PasswordGate(Semaphore slots, Duration wait) {
        this.slots = slots;
        this.wait = wait;
    }

    /** Half the cores, at least one: the other half stays free for dispatch and the API. */
    public static PasswordGate forThisMachine() {
        return new PasswordGate(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), Duration.ofSeconds(2));
    }

    /**
     * The user, when {@code stored} holds an active user whose hash matches {@code password}.
     *
     * @throws Busy when no slot became free in time
     */
    public Optional<User> verify(Optional<UserDirectory.StoredPassword> stored, String password)
            throws Busy, InterruptedException {
        if (!slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new Busy();
        }
        try {
            checks.incrementAndGet();
            String hash = stored.map(UserDirectory.StoredPassword::hash).orElse(null);
            boolean matches = Passwords.matches(password, hash != null ? hash : NoPassword.HASH);
            return stored.filter(found -> matches && hash != null)
                    .map(UserDirectory.StoredPassword::user)
                    .filter(user -> "active".equals(user.status()));
        } finally {
            slots.release();
        }
    }

    /** How many bcrypt checks have run: one per answer, whatever the answer. */
    public long checks() {
        return checks.get();
    }
}
