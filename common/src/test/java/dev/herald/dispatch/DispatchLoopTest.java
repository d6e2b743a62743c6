package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.store.SiteConfigStore;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.DispatchLoopFixture;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.testsupport.ScriptedSender;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared loop with a scripted sender, on a real PostgreSQL and a real broker. The test steps the loop itself and
 * moves its clock, so every write-back and retry time is decided by the test, not by the machine's speed.
 */
class DispatchLoopTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private final SiteConfigStore siteConfig = new SiteConfigStore(postgres.dataSource());
    private final TestData data = new TestData(postgres.dataSource());
    // Whole milliseconds: PostgreSQL keeps microseconds, so times written and read back compare exactly.
    private final MutableClock clock = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private DispatchLoopFixture fixture;
    private ScriptedSender sender;
    private DispatchLoop loop;
    private UUID user;

    @BeforeEach
    void build() {
        user = data.user().name("Ada").insert();
        sender = new ScriptedSender(NotificationMethod.SMTP);
        fixture = new DispatchLoopFixture(
                postgres, kafka, NotificationMethod.SMTP, "dispatch", URI.create("https://herald.example.com"));
        loop = fixture.loop(sender, Duration.ofSeconds(5), 3, clock);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        siteConfig.setNotifierPaused(false);
    }

    @Test
    void tokensBecomeRenderedDeliveriesAndSentRows() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(insert("ws-" + i));
        }
        fixture.publish(ids);
        fixture.publish(ids.subList(0, 5)); // duplicated tokens must not cause second sends

        stepUntil("30 messages sent", () -> count("sent") == 30);

        Delivery first = sender.deliveries().stream()
                .filter(d -> d.message().id().equals(ids.getFirst()))
                .findFirst()
                .orElseThrow();
        assertThat(first.rendered().title()).isEqualTo("Template \"ws-0\" deleted");
        assertThat(first.bodyText()).startsWith("Hi Ada");
        assertThat(first.bodyHtml()).contains("<strong>ws-0</strong>");
        assertThat(first.preferencesUrl())
                .isEqualTo("https://herald.example.com/settings/notifications?disabled="
                        + SystemTemplates.TEMPLATE_DELETED);
        ids.forEach(id -> assertThat(sender.deliveriesOf(id)).isEqualTo(1));
        assertThat(fixture.coderMetric(
                        "coderd_notifications_dispatch_attempts",
                        "method",
                        "smtp",
                        "notification_template_id",
                        SystemTemplates.TEMPLATE_DELETED.toString(),
                        "result",
                        "success"))
                .isEqualTo(30);
    }

    @Test
    void aTemporaryFailureIsRecordedAndARetryTokenScheduled() throws Exception {
        sender.then(new DeliveryResult.Retryable("421 4.3.2 try later"));
        UUID id = insert("flaky");
        Instant before = clock.instant();
        fixture.publish(List.of(id));

        stepUntil("the failure is recorded", () -> count("temporary_failure") == 1);

        assertThat(column(id, "attempt_count")).isEqualTo("1");
        assertThat(column(id, "status_reason")).isEqualTo("421 4.3.2 try later");
        Instant next = Instant.parse(
                column(id, "to_char(next_retry_after at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        assertThat(next)
                .as("the retry interval after the failure, on the loop's clock")
                .isBetween(
                        before.plus(DispatchLoopFixture.RETRY_INTERVAL),
                        clock.instant().plus(DispatchLoopFixture.RETRY_INTERVAL));
        assertThat(fixture.retryTokens(1)).singleElement().satisfies(token -> {
            assertThat(token.messageId()).isEqualTo(id);
            assertThat(token.attemptCount()).isEqualTo(1);
            assertThat(token.notBefore()).isEqualTo(next);
        });
    }

    @Test
    void theLastAllowedAttemptFailingIsPermanentWithTheLastError() throws Exception {
        sender.then(new DeliveryResult.Retryable("503 down"));
        UUID id = insert("exhausted");
        postgres.execute("UPDATE notification_messages SET attempt_count = 2 WHERE id = '" + id + "'");
        fixture.publish(List.of(id));

        stepUntil("the message fails permanently", () -> "permanent_failure".equals(column(id, "status")));

        assertThat(column(id, "attempt_count")).isEqualTo("3");
        assertThat(column(id, "status_reason")).isEqualTo("gave up after 3 attempts; last error: 503 down");
        assertThat(fixture.retryTokens(0)).as("no retry for a final failure").isEmpty();
    }

    @Test
    void aPermanentFailureAndARenderFailureAreFinal() throws Exception {
        sender.then(new DeliveryResult.Permanent("550 5.1.1 no such user"));
        UUID rejected = insert("rejected");
        UUID broken = insert("broken");
        postgres.execute("UPDATE notification_messages SET payload = jsonb_set(payload, '{labels}', '{}')"
                + " WHERE id = '" + broken + "'");
        fixture.publish(List.of(rejected));
        stepUntil("the rejected message is final", () -> "permanent_failure".equals(column(rejected, "status")));
        fixture.publish(List.of(broken));
        stepUntil("the broken message is final", () -> "permanent_failure".equals(column(broken, "status")));

        assertThat(column(rejected, "status_reason")).isEqualTo("550 5.1.1 no such user");
        assertThat(column(broken, "status_reason")).contains("template \"Template Deleted\" could not render");
    }

    @Test
    void aPayloadThatCannotBeReadFailsItsOwnMessageAndNoOther() throws Exception {
        UUID good = insert("good");
        UUID unreadable = insert("unreadable");
        // As a producer writing rows itself could: a user id that is not one.
        postgres.execute("UPDATE notification_messages SET payload = jsonb_set(payload, '{user_id}', '\"nobody\"')"
                + " WHERE id = '" + unreadable + "'");
        fixture.publish(List.of(unreadable, good));

        stepUntil(
                "the good message sent and the unreadable one final",
                () -> "sent".equals(column(good, "status"))
                        && "permanent_failure".equals(column(unreadable, "status")));

        assertThat(column(unreadable, "status_reason"))
                .startsWith("the payload cannot be read: ")
                .contains("UUID");
        assertThat(sender.deliveriesOf(unreadable)).isZero();
        assertThat(sender.deliveriesOf(good)).isEqualTo(1);
    }

    @Test
    void aTokenThatArrivesBeforeItsRowIsVisibleIsLeasedOnceTheRowIs() throws Exception {
        HeldToken held = holdATokenWithoutItsRow();
        assertThat(sender.deliveriesOf(held.late())).isZero();

        makeTheRowAppear(held);
        UUID late = held.late();

        stepUntil("the late message sent", () -> "sent".equals(column(late, "status")));
        assertThat(sender.deliveriesOf(late)).isEqualTo(1);
    }

    @Test
    void aHeldTokenIsNotSentWhilePausedAndIsAfterResume() throws Exception {
        HeldToken held = holdATokenWithoutItsRow();
        UUID late = held.late();
        siteConfig.setNotifierPaused(true);
        Awaitility.await("the loop's pause switch sees the pause")
                .atMost(Duration.ofSeconds(10))
                .until(fixture::paused);
        step(); // the loop follows the switch at the start of a turn
        makeTheRowAppear(held);

        for (int turn = 0; turn < 20; turn++) {
            step();
        }
        assertThat(sender.deliveriesOf(late)).as("paused").isZero();

        siteConfig.setNotifierPaused(false);
        stepUntil("the late message sent after resuming", () -> "sent".equals(column(late, "status")));
    }

    @Test
    void whilePausedNothingIsSentAndAfterResumeEverythingIs() throws Exception {
        siteConfig.setNotifierPaused(true);
        List<UUID> ids = List.of(insert("p1"), insert("p2"), insert("p3"));
        fixture.publish(ids);
        stepUntil("the paused loop owns its partitions", loop::ready);

        // Paused partitions are not fetched: twenty more turns, each a full poll, find nothing to send.
        for (int turn = 0; turn < 20; turn++) {
            step();
        }
        assertThat(sender.deliveries()).isEmpty();
        assertThat(count("pending")).isEqualTo(3);

        siteConfig.setNotifierPaused(false);
        stepUntil("every message sent after resuming", () -> count("sent") == 3);
    }

    @Test
    void aRecipientWhoOptedOutAfterEnqueueIsInhibited() throws Exception {
        UUID id = insert("quiet");
        data.setPreference(user, SystemTemplates.TEMPLATE_DELETED, true);
        fixture.publish(List.of(id));

        stepUntil("the message is inhibited", () -> "inhibited".equals(column(id, "status")));

        assertThat(column(id, "status_reason")).isEqualTo("disabled by user");
        assertThat(sender.deliveriesOf(id)).isZero();
    }

    @Test
    void closingAfterSendsStartedWritesTheirOutcomesBeforeItReturns() throws Exception {
        UUID id = insert("last");
        fixture.publish(List.of(id));
        stepUntil("the send happened", () -> sender.deliveriesOf(id) == 1);

        loop.close(); // no further turn: the outcome is still only in the loop's buffer

        assertThat(column(id, "status")).isEqualTo("sent");
    }

    /** A token the loop holds because its row is not there yet, and the sent message its row will copy. */
    private record HeldToken(UUID late, UUID model) {}

    /**
     * Publishes a token before its row exists, as the change stream can deliver a commit before the database shows it
     * to others, and turns the loop until it holds the token.
     */
    private HeldToken holdATokenWithoutItsRow() throws Exception {
        UUID model = insert("model");
        fixture.publish(List.of(model));
        stepUntil("the model message sent", () -> "sent".equals(column(model, "status")));
        UUID late = UUID.randomUUID();
        fixture.publish(List.of(late));
        for (int turn = 0; turn < 5; turn++) {
            step();
        }
        return new HeldToken(late, model);
    }

    private void makeTheRowAppear(HeldToken held) {
        postgres.execute("INSERT INTO notification_messages (id, notification_template_id, user_id, method,"
                + " created_by, payload) SELECT '" + held.late() + "', notification_template_id, user_id, method,"
                + " created_by, jsonb_set(payload, '{labels,name}', '\"late\"') FROM notification_messages"
                + " WHERE id = '" + held.model() + "'");
    }

    /** One turn of the loop, then the clock moves on far enough that outcomes are due to be written. */
    private void step() throws Exception {
        loop.step();
        clock.advance(DispatchLoopFixture.STORE_SYNC_INTERVAL);
    }

    /** Steps the loop on this thread (the consumer's only thread) until {@code done}. */
    private void stepUntil(String what, Callable<Boolean> done) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(30))
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    step();
                    return done.call();
                });
    }

    private UUID insert(String name) {
        return data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"" + name + "\"}");
    }

    private long count(String status) {
        return data.countMessages("user_id = ? AND status::text = ?", user, status);
    }

    private String column(UUID id, String expression) {
        return data.messageColumn(id, expression);
    }
}
