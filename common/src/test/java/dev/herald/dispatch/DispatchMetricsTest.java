package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.herald.model.NotificationMethod;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What one replica reports about the partitions it holds, as they move between replicas. */
class DispatchMetricsTest {

    private final MetricRegistry registry = new MetricRegistry();
    private final DispatchMetrics metrics = new DispatchMetrics(
            registry, new CoderMetrics(new PrometheusRegistry()), NotificationMethod.WEBHOOK, () -> 0);

    @Test
    void aPartitionThatMovedAwayIsNoLongerReportedSoTheFleetCountsItsLagOnce() {
        TopicPartition zero = new TopicPartition("notifications.webhook", 0);
        TopicPartition one = new TopicPartition("notifications.webhook", 1);
        metrics.assignment(Set.of(zero, one));
        metrics.lag(zero, 5);
        metrics.lag(one, 7);
        assertThat(gauge("herald_notifications_assigned_partitions.webhook")).isEqualTo(2);
        assertThat(gauge("herald_notifications_consumer_lag.webhook.1")).isEqualTo(7L);

        metrics.assignment(Set.of(zero));

        assertThat(gauge("herald_notifications_assigned_partitions.webhook")).isEqualTo(1);
        assertThat(registry.getGauges()).doesNotContainKey("herald_notifications_consumer_lag.webhook.1");
        assertThat(gauge("herald_notifications_consumer_lag.webhook.0")).isEqualTo(5L);

        metrics.close();

        assertThat(gauge("herald_notifications_assigned_partitions.webhook")).isEqualTo(0);
        assertThat(registry.getGauges()).doesNotContainKey("herald_notifications_consumer_lag.webhook.0");
    }

    private Object gauge(String name) {
        return registry.getGauges().get(name).getValue();
    }
}
