package dev.herald.server.fleet;

import dev.herald.config.HeraldConfig;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.kafka.KafkaClients;
import dev.herald.model.NotificationMethod;
import dev.herald.token.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Each method's dispatcher consumer group as Kafka sees it: its members with the partitions each holds, and per
 * partition the committed and end offsets and the lag between them.
 */
public final class ConsumerGroups implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * One member of a group.
     *
     * @param processId the registered process the member runs in, read from its client id; null for a client that
     *     does not name one (a dispatcher of an older Herald, or a client id set by the operator)
     */
    public record Member(String clientId, UUID processId, String host, List<Integer> partitions) {

        static UUID processOf(String clientId) {
            int at = clientId.lastIndexOf('@');
            if (at < 0) {
                return null;
            }
            try {
                return UUID.fromString(clientId.substring(at + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /** One partition of a method's topic. */
    public record Partition(int partition, Long committed, long end, long lag) {}

    /** A method's group. */
    public record Group(
            String method, String group, String topic, String state, List<Member> members, List<Partition> partitions) {

        public long lag() {
            return partitions.stream().mapToLong(Partition::lag).sum();
        }
    }

    private final HeraldConfig config;
    private final Admin admin;

    public ConsumerGroups(String bootstrapServers, HeraldConfig config) {
        this.config = config;
        Map<String, Object> properties = new HashMap<>(KafkaClients.baseProperties(bootstrapServers, config.kafka()));
        properties.put("client.id", "herald-fleet-view");
        this.admin = Admin.create(properties);
    }

    /**
     * @throws FleetUnavailable when the broker does not answer in time
     */
    public List<Group> describe() {
        TopicNames topics = new TopicNames(config.kafka().topicPrefix());
        List<Group> groups = new ArrayList<>();
        try {
            Map<String, NotificationMethod> byGroup = new TreeMap<>();
            for (NotificationMethod method : NotificationMethod.values()) {
                byGroup.put(DispatchSettings.from(config, method).consumerGroup(), method);
            }
            Map<String, KafkaFuture<ConsumerGroupDescription>> descriptions =
                    admin.describeConsumerGroups(byGroup.keySet()).describedGroups();
            Map<String, TopicDescription> described = admin.describeTopics(
                            byGroup.values().stream().map(topics::forMethod).toList())
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (Map.Entry<String, NotificationMethod> entry : byGroup.entrySet()) {
                String topic = topics.forMethod(entry.getValue());
                groups.add(group(
                        entry.getValue(),
                        entry.getKey(),
                        topic,
                        existing(descriptions.get(entry.getKey())),
                        described.get(topic)));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new FleetUnavailable("Kafka did not describe the consumer groups within " + TIMEOUT.toSeconds()
                    + " s (" + (e.getCause() == null ? e : e.getCause()).getMessage()
                    + "). Check that the brokers in --kafka-bootstrap-servers are reachable.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetUnavailable("interrupted while asking Kafka for the consumer groups");
        }
        groups.sort(Comparator.comparing(Group::method));
        return groups;
    }

    /** A group no dispatcher ever joined does not exist yet: Kafka says "not found", the view says "no members". */
    private static Optional<ConsumerGroupDescription> existing(KafkaFuture<ConsumerGroupDescription> description)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return Optional.of(description.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Group group(
            NotificationMethod method,
            String group,
            String topic,
            Optional<ConsumerGroupDescription> description,
            TopicDescription topicDescription)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = topicDescription.partitions().stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = description.isEmpty()
                ? Map.of()
                : admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<Partition> rows = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            long end = ends.get(partition).offset();
            OffsetAndMetadata offset = committed.get(partition);
            Long position = offset == null ? null : offset.offset();
            rows.add(new Partition(partition.partition(), position, end, end - (position == null ? 0 : position)));
        }
        rows.sort(Comparator.comparingInt(Partition::partition));
        List<Member> members = new ArrayList<>();
        for (MemberDescription member :
                description.map(ConsumerGroupDescription::members).orElse(List.of())) {
            members.add(new Member(
                    member.clientId(),
                    Member.processOf(member.clientId()),
                    member.host(),
                    member.assignment().topicPartitions().stream()
                            .filter(partition -> partition.topic().equals(topic))
                            .map(TopicPartition::partition)
                            .sorted()
                            .toList()));
        }
        members.sort(Comparator.comparing(Member::clientId));
        String state = description
                .map(found -> found.groupState().toString())
                .orElse("not created (no dispatcher has joined)");
        return new Group(method.sqlName(), group, topic, state, members, rows);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }

    /** The fleet view cannot be assembled now; the message says why and what to check. */
    public static final class FleetUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public FleetUnavailable(String message) {
            super(message);
        }
    }
}
