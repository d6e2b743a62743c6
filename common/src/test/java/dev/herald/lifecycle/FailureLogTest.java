package dev.herald.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureLogTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    private final Logger logger = (Logger) LoggerFactory.getLogger("failure-log-test");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final FailureLog failures = new FailureLog(logger, "notifications relay", Duration.ofMinutes(10));

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void theSameFailureIsSaidOnceWithTheFixAndItsRepeatsAreCountedInTheNextLine() {
        SQLException refused = new SQLException("Connection to localhost:5432 refused");
        for (int i = 0; i < 100; i++) {
            failures.failed("stream changes", refused, "start PostgreSQL", Duration.ofSeconds(8), T0.plusSeconds(i));
        }
        failures.failed("stream changes", refused, "start PostgreSQL", Duration.ofSeconds(60), T0.plusSeconds(601));

        assertThat(lines())
                .containsExactly(
                        "notifications relay could not stream changes: Connection to localhost:5432 refused."
                                + " Fix: start PostgreSQL. Trying again in 8 s.",
                        "notifications relay could not stream changes: Connection to localhost:5432 refused."
                                + " Fix: start PostgreSQL. Trying again in 60 s. (the previous failure happened 99"
                                + " more time(s) since it was last logged)");
        assertThat(appender.list).noneMatch(event -> event.getThrowableProxy() != null);
    }

    @Test
    void aDifferentFailureIsSaidAtOnceAndRecoveryIsSaidOnce() {
        failures.failed("reconcile", new SQLException("refused"), "", Duration.ofSeconds(1), T0);
        failures.failed(
                "reconcile",
                new ExecutionException(new ConnectException("broker down")),
                "",
                Duration.ofSeconds(2),
                T0.plusSeconds(1));
        failures.healthy();
        failures.healthy();

        assertThat(lines())
                .containsExactly(
                        "notifications relay could not reconcile: refused. Trying again in 1 s.",
                        "notifications relay could not reconcile: broker down. Trying again in 2 s.",
                        "notifications relay works again after 2 failed attempt(s)");
    }

    @Test
    void aWrapperThatHidesTheRootCauseGetsItAddedAndHugeMessagesAreCut() {
        RuntimeException wrapped = new IllegalStateException(
                "An exception occurred in the change event producer. This connector will be stopped.",
                new RuntimeException("x".repeat(5_000), new SQLException("FATAL: terminating connection")));

        assertThat(FailureLog.describe(wrapped))
                .startsWith("An exception occurred in the change event producer. This connector will be stopped."
                        + " (FATAL: terminating connection)");
        assertThat(FailureLog.describe(new RuntimeException("y".repeat(5_000))))
                .hasSize(400)
                .endsWith("...");
    }

    private List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
