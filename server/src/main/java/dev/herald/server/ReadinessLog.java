package dev.herald.server;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Says once, in the log, when every role of the process is ready: the line operators and scripts wait for. */
final class ReadinessLog {

    private static final Logger log = LoggerFactory.getLogger(ReadinessLog.class);
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

    private ReadinessLog() {}

    static void watch(HeraldServer server) {
        Thread.ofPlatform().name("herald-readiness").daemon().start(() -> {
            try {
                while (!server.notReady().isEmpty()) {
                    Thread.sleep(CHECK_INTERVAL);
                }
                log.info("herald server is ready");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
