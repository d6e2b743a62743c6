package dev.herald.producer.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.config.KafkaConfig;
import dev.herald.kafka.KafkaClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The relay's stored positions in the write-ahead log, kept by the change stream in the offsets topic under keys
 * {@code ["<engine name>", {"server": ...}]}. A stored position is disposable: when the server no longer has it (the
 * slot was dropped or recreated, the database restored), forgetting it lets the stream start from the slot's own
 * position, and the reconciler re-drives whatever rows the gap skipped.
 */
final class RelayPositions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final KafkaConfig kafka;
    private final String topic;

    RelayPositions(String bootstrapServers, KafkaConfig kafka, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.topic = topic;
    }

    /**
     * Deletes every position stored for {@code engineName} (a tombstone per key, which the change stream reads as
     * "no position").
     *
     * @return the positions forgotten, as stored (for the log)
     */
    List<String> forget(String engineName) {
        List<ConsumerRecord<byte[], byte[]>> stored = storedFor(engineName);
        if (stored.isEmpty()) {
            return List.of();
        }
        Map<String, Object> properties = KafkaClients.baseProperties(bootstrapServers, kafka);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "herald-relay-positions");
        List<String> forgotten = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> record : stored) {
                producer.send(new ProducerRecord<>(topic, record.partition(), record.key(), null))
                        .get(READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                forgotten.add(record.value() == null ? "(none)" : new String(record.value(), StandardCharsets.UTF_8));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not delete the relay's stored position in " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting the relay's stored position", e);
        }
        return forgotten;
    }

    /** The latest record of each of the engine's keys, read from the start of the topic to its end. */
    private List<ConsumerRecord<byte[], byte[]>> storedFor(String engineName) {
        Map<String, Object> properties = KafkaClients.baseProperties(bootstrapServers, kafka);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "herald-relay-positions");
        Map<String, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.PartitionInfo> found = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (found == null || found.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> partitions = found.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading the relay's stored positions in " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && isFor(engineName, record.key())) {
                        latest.put(record.partition() + ":" + new String(record.key(), StandardCharsets.UTF_8), record);
                    }
                }
            }
        }
        return latest.values().stream().filter(record -> record.value() != null).toList();
    }

    private static boolean isFor(String engineName, byte[] key) {
        try {
            JsonNode parsed = JSON.readTree(key);
            return parsed.isArray()
                    && parsed.size() > 0
                    && engineName.equals(parsed.get(0).asText());
        } catch (IOException e) {
            return false;
        }
    }
}
