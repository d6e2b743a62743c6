package dev.herald.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private final BenchReport report = new BenchReport(
            "herald server",
            "webhook",
            1000,
            0,
            0.5,
            2.0,
            1000,
            3,
            new BenchReport.Cpu(0.6, 0.3, 0.2),
            LongStream.rangeClosed(1, 1000).boxed().toList(),
            new java.util.LinkedHashMap<>(Map.of("relayed", 40.0)));

    @Test
    void throughputCpuPerMessageAndPercentilesAreComputedFromTheRun() {
        assertThat(report.throughput()).isEqualTo(500.0);
        assertThat(report.cpuMillisPerMessage()).isEqualTo(0.6);
        assertThat(report.percentile(50)).isEqualTo(500);
        assertThat(report.percentile(99)).isEqualTo(990);
        assertThat(report.percentile(100)).isEqualTo(1000);
    }

    @Test
    void theTextAndTheJsonSayTheSame() {
        assertThat(report.text())
                .contains("1,000 webhook messages, enqueued all at once")
                .contains("throughput          500 msg/s")
                .contains("0.600 ms per message")
                .contains("p50 500 ms, p90 900 ms, p99 990 ms, max 1000 ms")
                .contains("PostgreSQL CPU      0.300 ms per message")
                .contains("bench's own CPU     0.200 ms per message")
                .contains("where it goes (p50) commit → Kafka 40 ms");
        Map<String, Object> json = report.json();
        assertThat(json)
                .containsEntry("throughput_per_second", 500.0)
                .containsEntry("herald_cpu_ms_per_message", 0.6)
                .containsEntry("database_cpu_ms_per_message", 0.3)
                .containsEntry("bench_cpu_ms_per_message", 0.2)
                .containsEntry("latency_ms", Map.of("p50", 500L, "p90", 900L, "p99", 990L, "max", 1000L));
    }

    @Test
    void cpuThatCannotBeSeenIsSaidSo() {
        BenchReport blind = new BenchReport(
                "a deployment",
                "smtp",
                10,
                100,
                0.1,
                1.0,
                10,
                0,
                new BenchReport.Cpu(null, null, 0.01),
                List.of(5L),
                Map.of());

        assertThat(blind.cpuMillisPerMessage()).isNull();
        assertThat(blind.text()).contains("not visible").contains("offered at 100 msg/s");
        assertThat(blind.text()).doesNotContain("PostgreSQL CPU");
        assertThat(blind.json())
                .containsEntry("herald_cpu_ms_per_message", null)
                .containsEntry("database_cpu_ms_per_message", null);
    }

    @Test
    void theStagesAreTheMediansHeraldsOwnMetricsReport() {
        String metrics = """
                herald_relay_lag_ms{quantile="0.5",} 42.0
                herald_relay_lag_ms{quantile="0.99",} 300.0
                herald_notifications_queued_seconds{method="smtp",quantile="0.5",} 9.0
                herald_notifications_queued_seconds{method="webhook",quantile="0.5",} 0.125
                herald_notifications_dispatcher_send_seconds{method="webhook",quantile="0.5",} 0.004
                """;

        assertThat(BenchStages.parse(metrics, "webhook"))
                .containsExactly(Map.entry("relayed", 42.0), Map.entry("leased", 125.0), Map.entry("sent", 4.0));
    }
}
