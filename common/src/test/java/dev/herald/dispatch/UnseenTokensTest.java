package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class UnseenTokensTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final UnseenTokens unseen = new UnseenTokens();

    @Test
    void aHeldTokenComesBackForAnotherLeaseOnlyWhenTheRetryIsDue() {
        UUID id = UUID.randomUUID();

        assertThat(unseen.hold(id, List.of(record(0, 7)), T0)).isEmpty();

        assertThat(unseen.takeDue(T0)).isEmpty();
        assertThat(unseen.takeDue(T0.plus(UnseenTokens.RETRY_EVERY))).containsOnlyKeys(id);
        assertThat(unseen.takeDue(T0.plus(UnseenTokens.RETRY_EVERY.multipliedBy(2))))
                .as("taken means no longer held until it is held again")
                .isEmpty();
    }

    @Test
    void aTokenWhoseRowNeverAppearsIsSpentAfterTheWaitCountedFromItsFirstMiss() {
        UUID id = UUID.randomUUID();
        ConsumerRecord<String, byte[]> first = record(0, 7);
        ConsumerRecord<String, byte[]> repeat = record(0, 9);
        Instant almost = T0.plus(UnseenTokens.GIVE_UP_AFTER).minus(Duration.ofMillis(1));

        assertThat(unseen.hold(id, List.of(first), T0)).isEmpty();
        assertThat(unseen.takeDue(almost)).containsOnlyKeys(id);
        assertThat(unseen.hold(id, List.of(first), almost)).isEmpty();
        Instant due = almost.plus(UnseenTokens.RETRY_EVERY);
        assertThat(unseen.takeDue(due)).containsOnlyKeys(id);

        assertThat(unseen.hold(id, List.of(first), due)).containsExactly(first);
        assertThat(unseen.size()).isZero();
        assertThat(unseen.hold(id, List.of(repeat), due))
                .as("a later token of the same message waits afresh")
                .isEmpty();
    }

    @Test
    void aRepeatedTokenHeldBesideTheFirstIsSpentWithIt() {
        UUID id = UUID.randomUUID();
        ConsumerRecord<String, byte[]> first = record(0, 7);
        ConsumerRecord<String, byte[]> repeat = record(0, 9);
        unseen.hold(id, List.of(first), T0);

        assertThat(unseen.hold(id, List.of(repeat), T0.plus(UnseenTokens.GIVE_UP_AFTER)))
                .containsExactlyInAnyOrder(first, repeat);
        assertThat(unseen.size()).isZero();
    }

    @Test
    void aSettledMessageStartsAFreshWaitIfItsRowIsEverMissedAgain() {
        UUID id = UUID.randomUUID();
        List<ConsumerRecord<String, byte[]>> records = List.of(record(0, 7));
        unseen.hold(id, records, T0);
        unseen.takeDue(T0.plus(UnseenTokens.RETRY_EVERY));

        unseen.settled(id);

        Instant later = T0.plus(UnseenTokens.GIVE_UP_AFTER.multipliedBy(2));
        assertThat(unseen.hold(id, records, later)).isEmpty();
    }

    @Test
    void recordsOfRevokedPartitionsAreLetGo() {
        UUID kept = UUID.randomUUID();
        UUID revoked = UUID.randomUUID();
        unseen.hold(kept, List.of(record(0, 1)), T0);
        unseen.hold(revoked, List.of(record(1, 1)), T0);

        unseen.forget(List.of(new TopicPartition("tokens", 1)));

        assertThat(unseen.takeDue(T0.plus(UnseenTokens.RETRY_EVERY))).containsOnlyKeys(kept);
    }

    private static ConsumerRecord<String, byte[]> record(int partition, long offset) {
        return new ConsumerRecord<>("tokens", partition, offset, "key", new byte[0]);
    }
}
