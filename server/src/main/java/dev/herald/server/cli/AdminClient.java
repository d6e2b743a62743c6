package dev.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.server.api.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin CLI's view of the API: JSON in, JSON out, and the API's own words when it refuses. */
final class AdminClient {

    /** The API refused, or could not be reached; the message is for the person at the terminal. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = Json.mapper();
    private final String url;
    private final String token;

    AdminClient(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    JsonNode get(String path) throws Failure {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) throws Failure {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) throws Failure {
        return send("PUT", path, body);
    }

    JsonNode delete(String path) throws Failure {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, Object body) throws Failure {
        if (token == null || token.isBlank()) {
            throw new Failure("No API key: pass --token or set HERALD_TOKEN (`herald users create` prints one).");
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Coder-Session-Token", token)
                    .header("Accept", "application/json");
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 304) {
                return json.createObjectNode().put("unchanged", true);
            }
            JsonNode answer = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw new Failure(describe(response.statusCode(), answer));
            }
            return answer;
        } catch (ConnectException e) {
            throw new Failure("Cannot reach Herald at " + url + ". Is `herald server` running with the api role? Set"
                    + " --url or HERALD_URL to its address.");
        } catch (IOException e) {
            throw new Failure("Talking to Herald at " + url + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        } catch (IllegalArgumentException e) {
            throw new Failure("\"" + url + "\" is not a URL (--url / HERALD_URL).");
        }
    }

    private static String describe(int status, JsonNode answer) {
        StringBuilder text = new StringBuilder("Herald refused (HTTP " + status + "): ")
                .append(answer.path("message").asText("no message"));
        if (!answer.path("detail").asText().isBlank()) {
            text.append(' ').append(answer.path("detail").asText());
        }
        for (JsonNode validation : answer.path("validations")) {
            text.append(System.lineSeparator())
                    .append("  ")
                    .append(validation.path("field").asText())
                    .append(": ")
                    .append(validation.path("detail").asText());
        }
        return text.toString();
    }
}
