package dev.herald.server.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a message's time goes, read from Herald's own metrics after a run (medians of the recent minutes): from the
 * enqueue's commit to its token in Kafka (the relay), from the commit to a dispatcher's lease (relay, broker and
 * consumer together), and the send itself. What is left of the end-to-end time is the receiver's side.
 */
final class BenchStages {

    private BenchStages() {}

    static Map<String, Double> read(URI metrics, String method) {
        String text;
        try {
            text = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(metrics)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
        return parse(text, method);
    }

    static Map<String, Double> parse(String metrics, String method) {
        Map<String, Double> stages = new LinkedHashMap<>();
        median(metrics, "herald_relay_lag_ms", "", 1).ifPresent(ms -> stages.put("relayed", ms));
        median(metrics, "herald_notifications_queued_seconds", method, 1000).ifPresent(ms -> stages.put("leased", ms));
        median(metrics, "herald_notifications_dispatcher_send_seconds", method, 1000)
                .ifPresent(ms -> stages.put("sent", ms));
        return stages;
    }

    /**
     * Only medians: Herald's histograms cover its recent minutes, the bench's warm-up included, which a median
     * shrugs off and a 99th percentile does not.
     */
    private static Optional<Double> median(String metrics, String name, String method, double scale) {
        Pattern line = Pattern.compile("(?m)^" + name + "\\{([^}]*)}\\s+(\\S+)$");
        Matcher found = line.matcher(metrics);
        while (found.find()) {
            String labels = found.group(1);
            if (labels.contains("quantile=\"0.5\"")
                    && (method.isEmpty() || labels.contains("method=\"" + method + "\""))) {
                try {
                    return Optional.of(Double.parseDouble(found.group(2)) * scale);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
