package dev.herald.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.db.AdvisoryLock;
import dev.herald.db.DatabaseUrl;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testsupport.HeraldDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leadership over a real PostgreSQL advisory lock, turned by hand. */
class LeaderLoopTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final List<LeaderLoop> loops = new ArrayList<>();

    @AfterEach
    void close() {
        loops.forEach(LeaderLoop::close);
    }

    @Test
    void oneReplicaLeadsTheOtherWaitsAndTakesOverWhenTheLeaderStops() {
        RecordingWork firstWork = new RecordingWork();
        RecordingWork secondWork = new RecordingWork();
        LeaderLoop first = loop("takeover", firstWork);
        LeaderLoop second = loop("takeover", secondWork);

        first.turn();
        second.turn();
        first.turn();

        assertThat(first.leading()).isTrue();
        assertThat(second.standby()).isTrue();
        assertThat(firstWork.events).containsExactly("lead", "turn", "turn");
        assertThat(secondWork.events).isEmpty();

        first.close();
        second.turn();

        assertThat(firstWork.events).endsWith("step down");
        assertThat(second.leading()).isTrue();
        assertThat(secondWork.events).containsExactly("lead", "turn");
    }

    @Test
    void aFailingTurnBacksOffDoublingToTheCapAndAHealthyMinuteResetsIt() {
        RecordingWork work = new RecordingWork();
        work.failures.set(8);
        LeaderLoop loop = loop("backoff", work);

        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delays.add(loop.turn());
            clock.advance(delays.getLast());
        }
        Duration healthy = loop.turn();
        clock.advance(Duration.ofMinutes(1));
        loop.turn();
        work.failures.set(1);

        assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
        assertThat(healthy).isEqualTo(INTERVAL);
        assertThat(loop.turn())
                .as("after a healthy minute the backoff starts over")
                .isEqualTo(INTERVAL);
        assertThat(loop.leading()).as("a failing turn keeps the lock").isTrue();
    }

    @Test
    void losingTheDatabaseSessionStandsTheWorkDownAndTheLockIsTakenAgainLater() {
        RecordingWork work = new RecordingWork();
        LeaderLoop loop = loop("lost", work);
        loop.turn();

        postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = 'leader-loop-test-lost'");
        loop.turn();

        assertThat(loop.leading()).isFalse();
        assertThat(work.events).containsExactly("lead", "turn", "step down");

        loop.turn();
        assertThat(loop.leading()).isTrue();
        assertThat(work.events).endsWith("lead", "turn");
    }

    private LeaderLoop loop(String name, RecordingWork work) {
        DatabaseUrl database = HeraldDatabase.url(postgres);
        LeaderLoop loop = new LeaderLoop(
                new LeaderLoop.Settings("test loop " + name, "work", INTERVAL, Duration.ofSeconds(60)),
                new AdvisoryLock(database, "leader-loop-test:" + name, "leader-loop-test-" + name),
                work,
                clock);
        loops.add(loop);
        return loop;
    }

    private static final class RecordingWork implements LeaderLoop.Work {
        final List<String> events = new ArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void lead() {
            events.add("lead");
        }

        @Override
        public void turn() {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the dependency is down");
            }
            events.add("turn");
        }

        @Override
        public void stepDown() {
            events.add("step down");
        }
    }
}
