package dev.herald.server.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one bench run measured, as text for people and as JSON for scripts. */
record BenchReport(
        String target,
        String method,
        int messages,
        int offeredRate,
        double enqueueSeconds,
        double seconds,
        int delivered,
        long repeats,
        Cpu cpu,
        List<Long> latenciesMillis,
        Map<String, Double> stagesMillis) {

    /**
     * CPU seconds used during the run: Herald's processes, the PostgreSQL server's (when the bench started it, so that
     * nothing else is counted), and the bench's own receivers and enqueuer. On a shared machine the three together
     * are the ceiling: a 2-core machine has 2 s of CPU a second to share among them. Null when not visible.
     */
    record Cpu(Double heraldSeconds, Double databaseSeconds, Double benchSeconds) {}

    /** How the text names each stage of {@link BenchStages}. */
    private static final Map<String, String> STAGE_NAMES =
            Map.of("relayed", "commit → Kafka", "leased", "commit → lease", "sent", "send");

    double throughput() {
        return seconds > 0 ? delivered / seconds : 0;
    }

    Double cpuMillisPerMessage() {
        return perMessage(cpu.heraldSeconds());
    }

    Double databaseCpuMillisPerMessage() {
        return perMessage(cpu.databaseSeconds());
    }

    Double benchCpuMillisPerMessage() {
        return perMessage(cpu.benchSeconds());
    }

    private Double perMessage(Double seconds) {
        return seconds == null || delivered == 0 ? null : seconds * 1000 / delivered;
    }

    long percentile(double percent) {
        if (latenciesMillis.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(latenciesMillis);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    String text() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                Locale.ROOT,
                "Herald bench: %,d %s messages, %s, against %s%n",
                messages,
                method,
                offeredRate > 0 ? "offered at " + offeredRate + " msg/s" : "enqueued all at once",
                target));
        text.append(String.format(
                Locale.ROOT,
                "  machine             %d cores, Java %s%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.version()));
        text.append(String.format(Locale.ROOT, "  enqueued in         %.1f s%n", enqueueSeconds));
        text.append(String.format(
                Locale.ROOT,
                "  delivered           %,d of %,d in %.1f s (%,d repeats)%n",
                delivered,
                messages,
                seconds,
                repeats));
        text.append(String.format(Locale.ROOT, "  throughput          %,.0f msg/s%n", throughput()));
        text.append(
                cpuMillisPerMessage() == null
                        ? "  Herald CPU          not visible (give --herald-pid for processes on this machine)\n"
                        : String.format(
                                Locale.ROOT,
                                "  Herald CPU          %.3f ms per message (%.1f s of CPU)%n",
                                cpuMillisPerMessage(),
                                cpu.heraldSeconds()));
        cpuLine(text, "PostgreSQL CPU     ", cpu.databaseSeconds(), "");
        cpuLine(text, "bench's own CPU    ", cpu.benchSeconds(), "receivers and enqueuer, ");
        text.append(String.format(
                Locale.ROOT,
                "  enqueue → receiver  p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
                percentile(50),
                percentile(90),
                percentile(99),
                percentile(100)));
        if (!stagesMillis.isEmpty()) {
            List<String> stages = new ArrayList<>();
            stagesMillis.forEach((stage, millis) -> stages.add(
                    String.format(Locale.ROOT, "%s %.0f ms", STAGE_NAMES.getOrDefault(stage, stage), millis)));
            text.append("  where it goes (p50) ")
                    .append(String.join(", ", stages))
                    .append('\n');
        }
        return text.toString();
    }

    /** A line for CPU that is shown only when it could be seen. */
    private void cpuLine(StringBuilder text, String label, Double seconds, String whose) {
        Double perMessage = perMessage(seconds);
        if (perMessage != null) {
            text.append(String.format(
                    Locale.ROOT, "  %s %.3f ms per message (%s%.1f s of CPU)%n", label, perMessage, whose, seconds));
        }
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", target);
        json.put("method", method);
        json.put("messages", messages);
        json.put("offered_rate", offeredRate > 0 ? offeredRate : null);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("java", Runtime.version().toString());
        json.put("enqueue_seconds", round(enqueueSeconds));
        json.put("seconds", round(seconds));
        json.put("delivered", delivered);
        json.put("repeats", repeats);
        json.put("throughput_per_second", round(throughput()));
        json.put("herald_cpu_seconds", rounded(cpu.heraldSeconds()));
        json.put("herald_cpu_ms_per_message", rounded(cpuMillisPerMessage()));
        json.put("database_cpu_ms_per_message", rounded(databaseCpuMillisPerMessage()));
        json.put("bench_cpu_ms_per_message", rounded(benchCpuMillisPerMessage()));
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", percentile(50));
        latency.put("p90", percentile(90));
        latency.put("p99", percentile(99));
        latency.put("max", percentile(100));
        json.put("latency_ms", latency);
        json.put("stages_p50_ms", stagesMillis);
        return json;
    }

    private static Double rounded(Double value) {
        return value == null ? null : round(value);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
