package dev.herald.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class LineChartTest {

    private static final Instant FROM = Instant.parse("2026-11-30T11:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void aGapSplitsTheLineAndALonelyValueIsADot() {
        List<LineChart.Point> points = new ArrayList<>();
        for (int minute = 0; minute < 60; minute++) {
            Double value = minute < 20
                    ? Double.valueOf(minute * 10.0)
                    : minute == 30 ? Double.valueOf(75) : minute >= 40 ? Double.valueOf(40) : null;
            points.add(new LineChart.Point(FROM.plus(Duration.ofMinutes(minute)), value));
        }
        String svg = LineChart.svg(
                "chart-x",
                "Delivered per minute, last hour",
                FROM,
                TO,
                Duration.ofMinutes(10),
                List.of(new LineChart.Series("webhook", "s-webhook", points)));

        assertThat(count(svg, "<polyline")).as("0–19 and 40–59").isEqualTo(2);
        assertThat(count(svg, "<circle")).as("minute 30 alone").isEqualTo(1);
        assertThat(pointsOf(svg).getFirst()).hasSize(20);
        assertThat(svg).contains("<title id=\"chart-x-title\">Delivered per minute, last hour</title>");
        assertThat(svg).contains(">11:00<", ">11:30<", ">12:00<");
        assertThat(svg).as("the axis rounds 190 up to 200").contains(">200<").doesNotContain(">250<");
    }

    @Test
    void theLargestValueReachesTheTopAndZeroTheAxis() {
        List<LineChart.Point> points =
                List.of(new LineChart.Point(FROM, 0.0), new LineChart.Point(FROM.plus(Duration.ofMinutes(30)), 500.0));
        String svg = LineChart.svg(
                "c", "x", FROM, TO, Duration.ofMinutes(10), List.of(new LineChart.Series("smtp", "s-smtp", points)));

        List<double[]> drawn = pointsOf(svg).getFirst();
        assertThat(drawn.get(0)[1]).as("zero sits on the time axis").isEqualTo(LineChart.HEIGHT - 24.0);
        assertThat(drawn.get(1)[1]).as("the maximum at the top").isEqualTo(10.0);
        assertThat(drawn.get(1)[0]).as("half way along").isBetween(280.0, 282.0);
    }

    @Test
    void theChartIsWellFormedXmlWhateverTheLabelsSay() throws Exception {
        String svg = LineChart.svg(
                "c",
                "<script>alert(1)</script> & \"quotes\"",
                FROM,
                TO,
                Duration.ofMinutes(10),
                List.of(new LineChart.Series("a<b", "s-smtp", List.of(new LineChart.Point(FROM, 1.0)))));

        assertThat(svg).doesNotContain("<script>");
        DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void axisNumbersAreShortAndRound() {
        assertThat(LineChart.niceCeiling(0)).isEqualTo(1);
        assertThat(LineChart.niceCeiling(3)).isEqualTo(5);
        assertThat(LineChart.niceCeiling(21)).isEqualTo(25);
        assertThat(LineChart.niceCeiling(1001)).isEqualTo(2000);
        assertThat(LineChart.number(1500)).isEqualTo("1.5k");
        assertThat(LineChart.number(2_000_000)).isEqualTo("2M");
        assertThat(LineChart.number(12.5)).isEqualTo("12.5");
        assertThat(LineChart.number(40)).isEqualTo("40");
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static List<List<double[]>> pointsOf(String svg) {
        List<List<double[]>> lines = new ArrayList<>();
        Matcher matcher = Pattern.compile("points=\"([^\"]*)\"").matcher(svg);
        while (matcher.find()) {
            List<double[]> line = new ArrayList<>();
            for (String pair : matcher.group(1).split(" ")) {
                String[] xy = pair.split(",");
                line.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
            }
            lines.add(line);
        }
        return lines;
    }
}
