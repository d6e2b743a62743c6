package dev.herald.scheduler;

import dev.herald.model.NotificationMethod;
import dev.herald.token.MalformedTokenException;
import dev.herald.token.TokenCodec;
import dev.herald.token.WorkToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds each retry token in a changelogged state store until its {@code notBefore}, then forwards it to its method's
 * work topic. The store survives restarts and partition moves (it is rebuilt from its changelog), and with
 * exactly-once processing a timer's removal and its forwarded token commit together, so a timer fires once per
 * token however the scheduler stops.
 */
final class RetryTimers implements Processor<String, byte[], String, byte[]> {

    static final String STORE = "retry-timers";

    private static final Logger log = LoggerFactory.getLogger(RetryTimers.class);

    private final Clock clock;
    private final Duration checkInterval;
    private final SchedulerMetrics metrics;
    private final TokenCodec codec = new TokenCodec();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<Bytes, byte[]> timers;

    RetryTimers(Clock clock, Duration checkInterval, SchedulerMetrics metrics) {
        this.clock = clock;
        this.checkInterval = checkInterval;
        this.metrics = metrics;
    }

    /** The sink that leads to a method's work topic. */
    static String sinkFor(NotificationMethod method) {
        return "work-" + method.sqlName();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.timers = context.getStateStore(STORE);
        // Wall-clock punctuation keeps firing when no record arrives; "now" itself comes from the injected clock.
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, ignored -> fireDue());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        WorkToken token;
        try {
            token = codec.decode(record.value());
        } catch (MalformedTokenException e) {
            log.warn("notifications retry scheduler skipped a record that is not a retry token: {}", e.getMessage());
            metrics.malformed();
            return;
        }
        Instant now = clock.instant();
        Instant due = token.notBefore() == null ? now : token.notBefore();
        if (!due.isAfter(now)) {
            forward(token, record.value(), due);
            return;
        }
        timers.put(Bytes.wrap(TimerKey.of(due, token.messageId())), record.value());
    }

    private void fireDue() {
        Instant now = clock.instant();
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range =
                timers.range(Bytes.wrap(TimerKey.lowest()), Bytes.wrap(TimerKey.highestDueAt(now)))) {
            range.forEachRemaining(due::add);
        }
        for (KeyValue<Bytes, byte[]> timer : due) {
            try {
                forward(codec.decode(timer.value), timer.value, TimerKey.due(timer.key.get()));
            } catch (MalformedTokenException e) {
                // Written by a codec version this one no longer reads; the reconciler re-drives the row.
                metrics.malformed();
            }
            timers.delete(timer.key);
        }
    }

    private void forward(WorkToken token, byte[] value, Instant due) {
        Instant now = clock.instant();
        context.forward(new Record<>(token.messageId().toString(), value, now.toEpochMilli()), sinkFor(token.method()));
        metrics.fired(Duration.between(due, now));
    }
}
