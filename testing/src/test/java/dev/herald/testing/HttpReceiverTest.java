package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpReceiverTest {

    @RegisterExtension
    static final HttpReceiver receiver = new HttpReceiver();

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void answersFromTheScriptThenByDefaultAndRecordsEveryRequest() throws Exception {
        receiver.reset();
        receiver.respond(
                HttpReceiver.Response.status(500).withBody("boom"),
                HttpReceiver.Response.status(429).withHeader("Retry-After", "7"));

        HttpResponse<String> first = post("{\"n\": 1}");
        HttpResponse<String> second = post("{\"n\": 2}");
        HttpResponse<String> third = post("{\"n\": 3}");

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(first.body()).isEqualTo("boom");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).contains("7");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(receiver.requests())
                .extracting(HttpReceiver.Request::body)
                .containsExactly("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}");
        assertThat(receiver.requests().getFirst().header("X-Test")).isEqualTo("yes");
        assertThat(receiver.requests().getFirst().path()).isEqualTo("/hook");
    }

    @Test
    void aScriptedDelayHoldsTheAnswer() throws Exception {
        receiver.reset();
        receiver.respond(HttpReceiver.Response.status(200).after(Duration.ofMillis(300)));

        Instant start = Instant.now();
        post("{}");

        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(receiver.url("/hook"))
                        .header("X-Test", "yes")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
