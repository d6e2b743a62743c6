package dev.herald.server.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A time-series line chart drawn on the server as inline SVG: no script, no external file, styled by the page's
 * stylesheet through class names (so it follows the page's colours), and labelled for screen readers. A gap in the
 * data (a minute nobody recorded) is a gap in the line; a value with no neighbour is drawn as a dot.
 */
final class LineChart {

    static final int WIDTH = 520;
    static final int HEIGHT = 190;
    private static final int LEFT = 52;
    private static final int RIGHT = 10;
    private static final int TOP = 10;
    private static final int BOTTOM = 24;
    private static final int GRID_LINES = 4;
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    /** One value at one time; null when nothing was recorded then. */
    record Point(Instant at, Double value) {}

    /** One line: its name (shown in the legend) and the class that colours it. */
    record Series(String name, String cssClass, List<Point> points) {}

    private LineChart() {}

    /**
     * @param label what the chart shows, for screen readers: "Delivered per minute, last hour"
     * @param from the left edge
     * @param to the right edge
     * @param tick the distance between labelled times on the time axis
     */
    static String svg(String id, String label, Instant from, Instant to, Duration tick, List<Series> series) {
        double max = niceCeiling(series.stream()
                .flatMap(line -> line.points().stream())
                .map(Point::value)
                .filter(value -> value != null)
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(0));
        Scale scale = new Scale(from, to, max);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" id=\"")
                .append(escape(id))
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"")
                .append(escape(id))
                .append("-title\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.append("<title id=\"")
                .append(escape(id))
                .append("-title\">")
                .append(escape(label))
                .append("</title>");
        for (int line = 0; line <= GRID_LINES; line++) {
            double value = max * line / GRID_LINES;
            double y = scale.y(value);
            svg.append("<line class=\"grid\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(WIDTH - RIGHT)
                    .append("\" y1=\"")
                    .append(format(y))
                    .append("\" y2=\"")
                    .append(format(y))
                    .append("\"/>");
            svg.append("<text class=\"axis\" x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(format(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(number(value))
                    .append("</text>");
        }
        Instant first = Instant.ofEpochMilli(Math.ceilDiv(from.toEpochMilli(), tick.toMillis()) * tick.toMillis());
        for (Instant at = first; !at.isAfter(to); at = at.plus(tick)) {
            double x = scale.x(at);
            svg.append("<line class=\"tick\" x1=\"")
                    .append(format(x))
                    .append("\" x2=\"")
                    .append(format(x))
                    .append("\" y1=\"")
                    .append(HEIGHT - BOTTOM)
                    .append("\" y2=\"")
                    .append(HEIGHT - BOTTOM + 4)
                    .append("\"/>");
            svg.append("<text class=\"axis\" x=\"")
                    .append(format(x))
                    .append("\" y=\"")
                    .append(HEIGHT - 6)
                    .append("\" text-anchor=\"middle\">")
                    .append(CLOCK.format(at))
                    .append("</text>");
        }
        for (Series line : series) {
            for (List<Point> run : runs(line.points())) {
                if (run.size() == 1) {
                    Point only = run.getFirst();
                    svg.append("<circle class=\"dot ")
                            .append(escape(line.cssClass()))
                            .append("\" cx=\"")
                            .append(format(scale.x(only.at())))
                            .append("\" cy=\"")
                            .append(format(scale.y(only.value())))
                            .append("\" r=\"2.5\"/>");
                    continue;
                }
                svg.append("<polyline class=\"line ")
                        .append(escape(line.cssClass()))
                        .append("\" points=\"");
                for (Point point : run) {
                    svg.append(format(scale.x(point.at())))
                            .append(',')
                            .append(format(scale.y(point.value())))
                            .append(' ');
                }
                svg.setLength(svg.length() - 1);
                svg.append("\"><title>").append(escape(line.name())).append("</title></polyline>");
            }
        }
        svg.append("</svg>");
        return svg.toString();
    }

    /** Stretches of consecutive recorded values. */
    static List<List<Point>> runs(List<Point> points) {
        List<List<Point>> runs = new ArrayList<>();
        List<Point> current = new ArrayList<>();
        for (Point point : points) {
            if (point.value() == null) {
                if (!current.isEmpty()) {
                    runs.add(current);
                    current = new ArrayList<>();
                }
            } else {
                current.add(point);
            }
        }
        if (!current.isEmpty()) {
            runs.add(current);
        }
        return runs;
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten at or above {@code value}; 1 for nothing to show. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    /** An axis label: 0, 2.5, 40, 1.5k, 2M. */
    static String number(double value) {
        if (value >= 1_000_000) {
            return trim(value / 1_000_000) + "M";
        }
        if (value >= 1_000) {
            return trim(value / 1_000) + "k";
        }
        return trim(value);
    }

    private static String trim(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String format(double coordinate) {
        return String.format(Locale.ROOT, "%.1f", coordinate);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** Where a time and a value land in the drawing. */
    private record Scale(Instant from, Instant to, double max) {

        double x(Instant at) {
            double span = Math.max(1, to.toEpochMilli() - from.toEpochMilli());
            return LEFT + (WIDTH - LEFT - RIGHT) * (at.toEpochMilli() - from.toEpochMilli()) / span;
        }

        double y(double value) {
            return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / max);
        }
    }
}
