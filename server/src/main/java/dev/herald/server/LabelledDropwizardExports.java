package dev.herald.server;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Herald's Dropwizard metrics as Prometheus families with labels. The Prometheus client's own exporter turns each
 * Dropwizard metric into a family of its own, so two metrics mapped to one name with different labels (the lag of
 * partitions 0 and 1, the in-flight sends of two methods) made every scrape fail with "duplicate metric name". Here
 * each metric is converted alone and the series of one name are gathered into one family.
 */
final class LabelledDropwizardExports implements MultiCollector {

    private final MetricRegistry registry;
    private final CustomLabelMapper labels;
    private final Map<String, DropwizardExports> converters = new ConcurrentHashMap<>();

    LabelledDropwizardExports(MetricRegistry registry, CustomLabelMapper labels) {
        this.registry = registry;
        this.labels = labels;
    }

    @Override
    public MetricSnapshots collect() {
        converters.keySet().retainAll(registry.getNames());
        Map<String, List<MetricSnapshot>> families = new LinkedHashMap<>();
        for (String name : registry.getNames()) {
            DropwizardExports converter = converters.computeIfAbsent(
                    name,
                    only -> new DropwizardExports(registry, (candidate, metric) -> candidate.equals(only), labels));
            for (MetricSnapshot snapshot : converter.collect()) {
                families.computeIfAbsent(snapshot.getMetadata().getPrometheusName(), family -> new ArrayList<>())
                        .add(snapshot);
            }
        }
        MetricSnapshots.Builder merged = MetricSnapshots.builder();
        for (List<MetricSnapshot> family : families.values()) {
            merged.metricSnapshot(merge(family));
        }
        return merged.build();
    }

    /** One family from the snapshots of one name; they share a type, since one mapping rule made them. */
    private static MetricSnapshot merge(List<MetricSnapshot> family) {
        MetricSnapshot first = family.getFirst();
        if (family.size() == 1) {
            return first;
        }
        return switch (first) {
            case GaugeSnapshot gauge ->
                new GaugeSnapshot(
                        gauge.getMetadata(),
                        family.stream()
                                .flatMap(each -> ((GaugeSnapshot) each).getDataPoints().stream())
                                .toList());
            case CounterSnapshot counter ->
                new CounterSnapshot(
                        counter.getMetadata(),
                        family.stream()
                                .flatMap(each -> ((CounterSnapshot) each).getDataPoints().stream())
                                .toList());
            case SummarySnapshot summary ->
                new SummarySnapshot(
                        summary.getMetadata(),
                        family.stream()
                                .flatMap(each -> ((SummarySnapshot) each).getDataPoints().stream())
                                .toList());
            default -> first;
        };
    }
}
