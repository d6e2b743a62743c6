package dev.herald.scheduler;

import com.codahale.metrics.MetricRegistry;
import dev.herald.token.TokenPublisher;
import java.nio.file.Path;
import java.time.Clock;

/** A retry scheduler alone in its JVM, so that a test can kill it abruptly. Prints RUNNING once it is ready. */
public final class SchedulerProcessMain {

    private SchedulerProcessMain() {}

    /** Arguments: bootstrap servers, topic prefix, application id, state directory. */
    public static void main(String[] args) throws InterruptedException {
        TokenPublisher publisher = SchedulerFixtures.publisher(args[0], args[1]);
        RetryScheduler scheduler = new RetryScheduler(
                SchedulerFixtures.settings(args[0], args[1], args[2], Path.of(args[3])),
                publisher,
                new MetricRegistry(),
                Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.close();
            publisher.close();
        }));
        scheduler.start();
        while (!scheduler.ready()) {
            Thread.sleep(50);
        }
        System.out.println("RUNNING");
        Thread.currentThread().join();
    }
}
