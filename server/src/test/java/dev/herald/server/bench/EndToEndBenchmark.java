package dev.herald.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code herald bench} as an operator runs it: a herald server with every role and embedded PostgreSQL and Kafka,
 * webhooks to the bench's receiver. Prints the bench's report; asserts only that every message arrived (speed is
 * measured, never asserted).
 */
@Tag("benchmark")
class EndToEndBenchmark {

    @Test
    void webhooksEndToEnd() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine bench = new CommandLine(new BenchCommand());
        bench.setOut(new PrintWriter(out, true));
        bench.setErr(new PrintWriter(System.err, true));

        int exit = bench.execute(
                "--messages", System.getProperty("herald.bench.messages", "20000"), "--warmup", "2000", "--json");

        System.out.println(out);
        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertThat(report.get("delivered").asInt())
                .isEqualTo(report.get("messages").asInt());
    }
}
