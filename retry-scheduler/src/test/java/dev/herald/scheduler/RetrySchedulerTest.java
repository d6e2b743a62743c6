package dev.herald.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.herald.model.NotificationMethod;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.MutableClock;
import dev.herald.token.TokenCodec;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RetrySchedulerTest {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path stateDirectory;

    private final TokenCodec codec = new TokenCodec();
    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : running.reversed()) {
            closeable.close();
        }
    }

    @Test
    void aRetryIsForwardedToItsMethodWhenItsTimeHasComeAndNeverBefore() {
        String prefix = kafka.uniquePrefix("timers");
        TopicNames topics = new TopicNames(prefix);
        Instant start = Instant.parse("2026-11-26T10:00:00Z");
        MutableClock clock = MutableClock.at(start);
        RetryScheduler scheduler = start(prefix, prefix + "-app", stateDirectory, clock);
        WorkToken overdue = SchedulerFixtures.retryToken(NotificationMethod.SMTP, start.minusSeconds(1));
        WorkToken inFiveMinutes = SchedulerFixtures.retryToken(NotificationMethod.WEBHOOK, start.plusSeconds(300));
        WorkToken inTenMinutes = SchedulerFixtures.retryToken(NotificationMethod.SMTP, start.plusSeconds(600));
        try (KafkaProducer<String, byte[]> producer = SchedulerFixtures.producer(kafka.bootstrapServers())) {
            for (WorkToken token : List.of(overdue, inFiveMinutes, inTenMinutes)) {
                SchedulerFixtures.publishRetry(producer, prefix, token);
            }
        }

        assertThat(forwarded(topics, 1, Duration.ofSeconds(30)))
                .as("a token already due is forwarded at once")
                .containsExactly(overdue.messageId());
        Awaitility.await("the fleet view's count: two timers wait, the first due in five minutes")
                .atMost(Duration.ofSeconds(30))
                .until(() -> scheduler.timers().pending() == 2);
        RetryScheduler.Timers waiting = scheduler.timers();
        assertThat(waiting.exact()).isTrue();
        assertThat(waiting.nextDue()).isEqualTo(start.plusSeconds(300));
        assertThat(waiting.partitions()).as("one replica holds every partition").hasSize(2);

        clock.set(start.plusSeconds(300).minusMillis(1));
        assertThat(forwarded(topics, 2, Duration.ofSeconds(2)))
                .as("one millisecond early is still too early")
                .containsExactly(overdue.messageId());

        clock.set(start.plusSeconds(300));
        List<UUID> afterFive = forwarded(topics, 2, Duration.ofSeconds(30));
        assertThat(afterFive).containsExactlyInAnyOrder(overdue.messageId(), inFiveMinutes.messageId());
        assertThat(methodOf(topics, inFiveMinutes.messageId())).isEqualTo(topics.forMethod(NotificationMethod.WEBHOOK));
        Awaitility.await("one timer left, due at ten minutes")
                .atMost(Duration.ofSeconds(30))
                .until(() -> scheduler.timers().pending() == 1
                        && start.plusSeconds(600).equals(scheduler.timers().nextDue()));

        clock.set(start.plusSeconds(600));
        assertThat(forwarded(topics, 3, Duration.ofSeconds(30)))
                .containsExactlyInAnyOrder(overdue.messageId(), inFiveMinutes.messageId(), inTenMinutes.messageId());
        Awaitility.await("no timer left")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        scheduler.timers().pending() == 0 && scheduler.timers().nextDue() == null);
    }

    @Test
    void timersSurviveASchedulerKilledAbruptlyAndMoveToAnotherReplica() throws Exception {
        String prefix = kafka.uniquePrefix("crash");
        String application = prefix + "-app";
        TopicNames topics = new TopicNames(prefix);
        Map<UUID, Instant> due = new HashMap<>();
        try (ChildJvm first = ChildJvm.start(
                "scheduler-" + prefix,
                SchedulerProcessMain.class,
                List.of(
                        kafka.bootstrapServers(),
                        prefix,
                        application,
                        stateDirectory.resolve("first").toString()))) {
            first.awaitLine("RUNNING", Duration.ofSeconds(90));
            Instant notBefore = Instant.now().plusSeconds(20);
            try (KafkaProducer<String, byte[]> producer = SchedulerFixtures.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 200; i++) {
                    NotificationMethod method = i % 2 == 0 ? NotificationMethod.SMTP : NotificationMethod.WEBHOOK;
                    WorkToken token = SchedulerFixtures.retryToken(method, notBefore.plusMillis(i * 10L));
                    due.put(token.messageId(), token.notBefore());
                    SchedulerFixtures.publishRetry(producer, prefix, token);
                }
            }
            awaitConsumed(application, topics.retry());
            first.kill();
        }
        assertThat(forwarded(topics, 1, Duration.ofSeconds(1)))
                .as("nothing was due yet")
                .isEmpty();

        start(prefix, application, stateDirectory.resolve("second"), Clock.systemUTC());

        List<ConsumerRecord<String, String>> records = kafka.readRecords(
                List.of(topics.forMethod(NotificationMethod.SMTP), topics.forMethod(NotificationMethod.WEBHOOK)),
                200,
                Duration.ofSeconds(120));
        assertThat(records.stream()
                        .map(ConsumerRecord::key)
                        .map(UUID::fromString)
                        .collect(Collectors.toSet()))
                .as("every timer set before the crash fired")
                .isEqualTo(due.keySet());
        assertThat(records).as("each exactly once").hasSize(200);
        for (ConsumerRecord<String, String> record : records) {
            assertThat(Instant.ofEpochMilli(record.timestamp()))
                    .as("forwarded no earlier than its retry time")
                    .isAfterOrEqualTo(
                            due.get(UUID.fromString(record.key())).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
    }

    private RetryScheduler start(String prefix, String application, Path state, Clock clock) {
        TokenPublisher publisher = SchedulerFixtures.publisher(kafka.bootstrapServers(), prefix);
        running.add(publisher);
        RetryScheduler scheduler = new RetryScheduler(
                SchedulerFixtures.settings(kafka.bootstrapServers(), prefix, application, state),
                publisher,
                new MetricRegistry(),
                clock);
        scheduler.start();
        running.add(scheduler);
        Awaitility.await("the scheduler runs").atMost(Duration.ofSeconds(90)).until(scheduler::ready);
        return scheduler;
    }

    private List<UUID> forwarded(TopicNames topics, int expected, Duration timeout) {
        return kafka
                .readRecords(
                        List.of(
                                topics.forMethod(NotificationMethod.SMTP),
                                topics.forMethod(NotificationMethod.WEBHOOK)),
                        expected,
                        timeout)
                .stream()
                .map(record -> codec.decode(record.value().getBytes(StandardCharsets.UTF_8))
                        .messageId())
                .toList();
    }

    private String methodOf(TopicNames topics, UUID messageId) {
        return kafka
                .readRecords(
                        List.of(
                                topics.forMethod(NotificationMethod.SMTP),
                                topics.forMethod(NotificationMethod.WEBHOOK)),
                        Integer.MAX_VALUE,
                        Duration.ofSeconds(2))
                .stream()
                .filter(record -> record.key().equals(messageId.toString()))
                .map(ConsumerRecord::topic)
                .findFirst()
                .orElseThrow();
    }

    /** The scheduler has committed every retry token, so its timers are in the store's changelog. */
    private void awaitConsumed(String application, String topic) {
        Awaitility.await("the scheduler consumed every retry token")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin()
                            .listConsumerGroupOffsets(application)
                            .partitionsToOffsetAndMetadata()
                            .get();
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    for (int partition = 0; partition < 2; partition++) {
                        latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
                    }
                    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                            kafka.admin().listOffsets(latest).all().get();
                    return ends.entrySet().stream()
                            .allMatch(end -> committed.containsKey(end.getKey())
                                    && committed.get(end.getKey()).offset()
                                            >= end.getValue().offset());
                });
    }
}
