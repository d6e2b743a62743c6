package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queue's state changes on a real PostgreSQL, with time moved by hand. */
class MessageStoreTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private static final Duration LEASE = Duration.ofMinutes(2);

    private final TestData data = new TestData(postgres.dataSource());
    private final MessageStore store = new MessageStore(postgres.dataSource());
    private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

    @Test
    void aPendingMessageIsLeasedOnceWithItsTemplate() throws SQLException {
        UUID id = enqueue(data.user().insert());

        LeaseResult first = store.lease(List.of(id), clock.instant(), LEASE, 5);
        LeaseResult second = store.lease(List.of(id), clock.instant(), LEASE, 5);

        assertThat(first.leased()).singleElement().satisfies(message -> {
            assertThat(message.id()).isEqualTo(id);
            assertThat(message.templateName()).isEqualTo("Template Deleted");
            assertThat(message.titleTemplate()).contains("{{labels.name}}");
            assertThat(message.method()).isEqualTo(NotificationMethod.SMTP);
            assertThat(message.payload().labels()).containsEntry("name", "t");
            assertThat(message.leasedUntil()).isEqualTo(clock.instant().plus(LEASE));
        });
        assertThat(second.leased())
                .as("a duplicate token finds nothing to lease")
                .isEmpty();
        assertThat(column(id, "status")).isEqualTo("leased");
        assertThat(Double.parseDouble(column(id, "queued_seconds")))
                .as("enqueued a minute before the lease, on the clock the dispatcher passed")
                .isEqualTo(60.0);
    }

    @Test
    void anIdWithoutARowIsReportedAbsentAndAFinishedRowIsNot() throws SQLException {
        UUID finished = enqueue(data.user().insert());
        store.lease(List.of(finished), clock.instant(), LEASE, 5);
        UUID unknown = UUID.randomUUID();

        LeaseResult result = store.lease(List.of(finished, unknown), clock.instant(), LEASE, 5);

        assertThat(result.leased()).isEmpty();
        assertThat(result.absent())
                .as("a row that exists but is someone else's lease is not absent: its token is spent")
                .containsExactly(unknown);
    }

    @Test
    void nullsInTheProducersDataAndLabelsAreLeasedAsNulls() throws SQLException {
        UUID user = data.user().insert();
        // enqueue accepts JSON null as a data value; a producer writing rows itself can put one among the labels too.
        UUID viaEnqueue = data.enqueueWithRequiredLabels(
                SystemTemplates.TEST_NOTIFICATION, user, "{\"note\": null, \"nested\": {\"gone\": null}}");
        UUID viaInsert = insert(
                user,
                "{\"_version\": \"1.2\", \"labels\": {\"name\": \"t\", \"initiator\": null},"
                        + " \"data\": {\"note\": null}}",
                clock.instant().minus(Duration.ofMinutes(1)));

        LeaseResult leased = store.lease(List.of(viaEnqueue, viaInsert), clock.instant(), LEASE, 5);

        assertThat(leased.leased())
                .as("a null value must not make the whole batch unleasable")
                .hasSize(2)
                .allSatisfy(message -> assertThat(message.payload().data()).containsEntry("note", null));
        assertThat(leased.leased())
                .filteredOn(message -> message.id().equals(viaInsert))
                .singleElement()
                .satisfies(message -> assertThat(message.payload().labels()).containsEntry("initiator", null));
    }

    @Test
    void anExpiredLeaseCanBeTakenOverAndTheOldHolderCannotWriteAnymore() throws SQLException {
        UUID id = enqueue(data.user().insert());
        LeasedMessage mine =
                store.lease(List.of(id), clock.instant(), LEASE, 5).leased().getFirst();

        clock.advance(LEASE.minusSeconds(1));
        assertThat(store.lease(List.of(id), clock.instant(), LEASE, 5).leased()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        LeasedMessage theirs =
                store.lease(List.of(id), clock.instant(), LEASE, 5).leased().getFirst();

        int written = store.record(List.of(new Outcome.Sent(id, mine.leasedUntil())), clock.instant());
        assertThat(written).as("the stale lease writes nothing").isZero();
        assertThat(column(id, "status")).isEqualTo("leased");

        assertThat(store.record(List.of(new Outcome.Sent(id, theirs.leasedUntil())), clock.instant()))
                .isEqualTo(1);
        assertThat(column(id, "status")).isEqualTo("sent");
        assertThat(column(id, "attempt_count"))
                .as("the successful attempt counts")
                .isEqualTo("1");
        assertThat(column(id, "leased_until")).isNull();
    }

    @Test
    void aTemporaryFailureIsClaimableOnlyFromItsRetryTime() throws SQLException {
        UUID id = enqueue(data.user().insert());
        LeasedMessage leased =
                store.lease(List.of(id), clock.instant(), LEASE, 5).leased().getFirst();
        Instant retryAt = clock.instant().plus(Duration.ofMinutes(5));

        store.record(
                List.of(new Outcome.TemporaryFailure(id, leased.leasedUntil(), "421 busy", retryAt)), clock.instant());

        assertThat(column(id, "status")).isEqualTo("temporary_failure");
        assertThat(column(id, "attempt_count")).isEqualTo("1");
        assertThat(column(id, "status_reason")).isEqualTo("421 busy");
        clock.set(retryAt.minusMillis(1));
        assertThat(store.lease(List.of(id), clock.instant(), LEASE, 5).leased()).isEmpty();
        clock.set(retryAt);
        assertThat(store.lease(List.of(id), clock.instant(), LEASE, 5).leased())
                .singleElement()
                .satisfies(message -> assertThat(message.attemptCount()).isEqualTo(1));
    }

    @Test
    void aReleasedLeaseReturnsTheMessageToTheStateItWasLeasedFrom() throws SQLException {
        UUID fresh = enqueue(data.user().insert());
        UUID retried = enqueue(data.user().insert());
        LeasedMessage first = store.lease(List.of(retried), clock.instant(), LEASE, 5)
                .leased()
                .getFirst();
        Instant retryAt = clock.instant().plus(Duration.ofMinutes(5));
        store.record(
                List.of(new Outcome.TemporaryFailure(retried, first.leasedUntil(), "421 busy", retryAt)),
                clock.instant());
        clock.set(retryAt);
        List<LeasedMessage> leased =
                store.lease(List.of(fresh, retried), clock.instant(), LEASE, 5).leased();

        assertThat(store.release(leased, clock.instant())).isEqualTo(2);

        assertThat(column(fresh, "status")).isEqualTo("pending");
        assertThat(column(retried, "status")).isEqualTo("temporary_failure");
        assertThat(column(retried, "attempt_count"))
                .as("a release is not an attempt")
                .isEqualTo("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.lease(List.of(fresh, retried), clock.instant(), LEASE, 5)
                        .leased())
                .as("claimable again at once")
                .hasSize(2);
        assertThat(store.release(leased, clock.instant()))
                .as("a stale lease releases nothing")
                .isZero();
    }

    @Test
    void noLeaseOnceTheAttemptsAreUsedUp() throws SQLException {
        UUID id = enqueue(data.user().insert());
        for (int attempt = 0; attempt < 3; attempt++) {
            LeasedMessage leased =
                    store.lease(List.of(id), clock.instant(), LEASE, 3).leased().getFirst();
            store.record(
                    List.of(new Outcome.TemporaryFailure(id, leased.leasedUntil(), "down", clock.instant())),
                    clock.instant());
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(store.lease(List.of(id), clock.instant(), LEASE, 3).leased()).isEmpty();
        assertThat(column(id, "attempt_count")).isEqualTo("3");
    }

    @Test
    void aPermanentFailureIsFinal() throws SQLException {
        UUID id = enqueue(data.user().insert());
        LeasedMessage leased =
                store.lease(List.of(id), clock.instant(), LEASE, 5).leased().getFirst();

        store.record(
                List.of(new Outcome.PermanentFailure(id, leased.leasedUntil(), "550 no such user")), clock.instant());

        assertThat(column(id, "status")).isEqualTo("permanent_failure");
        assertThat(column(id, "status_reason")).isEqualTo("550 no such user");
        clock.advance(Duration.ofDays(1));
        assertThat(store.lease(List.of(id), clock.instant(), LEASE, 5).leased()).isEmpty();
    }

    @Test
    void aRecipientWhoOptedOutAfterEnqueueIsInhibitedNotLeased() throws SQLException {
        UUID user = data.user().insert();
        UUID id = enqueue(user);
        data.setPreference(user, SystemTemplates.TEMPLATE_DELETED, true);

        LeaseResult result = store.lease(List.of(id), clock.instant(), LEASE, 5);

        assertThat(result.leased()).isEmpty();
        assertThat(result.inhibited()).containsExactly(id);
        assertThat(column(id, "status")).isEqualTo("inhibited");
        assertThat(column(id, "status_reason")).isEqualTo("disabled by user");
    }

    @Test
    void aLongReasonIsClipped() throws SQLException {
        UUID id = enqueue(data.user().insert());
        LeasedMessage leased =
                store.lease(List.of(id), clock.instant(), LEASE, 5).leased().getFirst();

        store.record(
                List.of(new Outcome.PermanentFailure(id, leased.leasedUntil(), "x".repeat(10_000))), clock.instant());

        assertThat(column(id, "status_reason"))
                .hasSize(MessageStore.MAX_REASON_LENGTH)
                .endsWith("...");
    }

    @Test
    void onlyAPermanentFailureCanBeRedrivenAndItGetsAFreshSetOfAttempts() throws SQLException {
        UUID id = enqueue(data.user().insert());
        assertThat(store.redrive(id, "ops", clock.instant()))
                .as("a pending message")
                .isEmpty();
        LeasedMessage leased =
                store.lease(List.of(id), clock.instant(), LEASE, 5).leased().getFirst();
        store.record(List.of(new Outcome.PermanentFailure(id, leased.leasedUntil(), "550 no")), clock.instant());

        clock.advance(Duration.ofMinutes(3));
        var token = store.redrive(id, "ops", clock.instant());

        assertThat(token).hasValueSatisfying(t -> {
            assertThat(t.messageId()).isEqualTo(id);
            assertThat(t.method()).isEqualTo(NotificationMethod.SMTP);
            assertThat(t.attemptCount()).isZero();
        });
        assertThat(column(id, "status")).isEqualTo("temporary_failure");
        assertThat(column(id, "attempt_count")).isEqualTo("0");
        assertThat(column(id, "status_reason")).isEqualTo("re-driven by ops; previous error: 550 no");
        assertThat(store.lease(List.of(id), clock.instant(), LEASE, 5).leased())
                .as("due at once")
                .hasSize(1);
        assertThat(store.redrive(id, "ops", clock.instant()))
                .as("no longer a permanent failure")
                .isEmpty();
    }

    private UUID enqueue(UUID user) throws SQLException {
        return insert(
                user,
                "{\"_version\": \"1.2\", \"notification_name\": \"Template Deleted\"," + " \"user_id\": \"" + user
                        + "\", \"labels\": {\"name\": \"t\"}, \"actions\": []}",
                Instant.parse("2030-01-01T00:00:00Z").minus(Duration.ofMinutes(1)));
    }

    /** A row written as a producer with its own INSERT would write it, bypassing the enqueue function's checks. */
    private UUID insert(UUID user, String payload, Instant createdAt) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO notification_messages (notification_template_id, user_id, method, created_by,"
                                + " payload, created_at) VALUES (?, ?, 'smtp', 'store-test', ?::jsonb, ?)"
                                + " RETURNING id")) {
            statement.setObject(1, SystemTemplates.TEMPLATE_DELETED);
            statement.setObject(2, user);
            statement.setString(3, payload);
            statement.setObject(4, createdAt.atOffset(ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        }
    }

    private String column(UUID id, String column) {
        return new TestData(postgres.dataSource()).messageColumn(id, column);
    }
}
