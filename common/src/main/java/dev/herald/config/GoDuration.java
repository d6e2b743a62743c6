package dev.herald.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way Coder's flags write them ({@code 500ms}, {@code 15s}, {@code 1m0s}, {@code 2h30m}), plus
 * {@code d} for days because retention is naturally counted in days.
 */
public final class GoDuration {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

    private GoDuration() {}

    /**
     * Parses a duration such as {@code 1m30s}; a bare {@code 0} is zero.
     *
     * @throws IllegalArgumentException when the text is not a duration
     */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        Matcher part = PART.matcher(trimmed);
        BigDecimal nanos = BigDecimal.ZERO;
        while (part.find()) {
            BigDecimal amount = new BigDecimal(part.group(1));
            nanos = nanos.add(amount.multiply(BigDecimal.valueOf(nanosPerUnit(part.group(2)))));
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Formats the way Go prints durations ({@code 1m0s}, {@code 2h30m0s}, {@code 500ms}). */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = duration.toNanos();
            if (nanos % 1_000_000 == 0) {
                return nanos / 1_000_000 + "ms";
            }
            return nanos + "ns";
        }
        StringBuilder text = new StringBuilder();
        long hours = duration.toHours();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        int minutes = duration.toMinutesPart();
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        BigDecimal seconds = BigDecimal.valueOf(duration.toSecondsPart())
                .add(BigDecimal.valueOf(duration.toNanosPart(), 9))
                .stripTrailingZeros();
        text.append(seconds.toPlainString()).append('s');
        return text.toString();
    }

    private static long nanosPerUnit(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
