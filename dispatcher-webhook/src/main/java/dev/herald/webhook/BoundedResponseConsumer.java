package dev.herald.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Reads a receiver's answer, but at most {@code limit} bytes of its body: the classification needs the status and the
 * first words of an error, and a receiver answering a gigabyte must not take the dispatcher's memory with it. Past
 * the limit the exchange is abandoned (the connection closed) with what was read.
 */
final class BoundedResponseConsumer extends AbstractBinResponseConsumer<BoundedResponseConsumer.Answer> {

    /** What the receiver said: its status, its Retry-After, and the start of its body. */
    record Answer(int status, String retryAfter, String body, boolean truncated) {}

    /** Thrown to stop reading once the limit is reached; carries the answer so far. */
    static final class LimitReached extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Answer answer;

        LimitReached(Answer answer) {
            super("the receiver's answer is longer than Herald reads");
            this.answer = answer;
        }

        Answer answer() {
            return answer;
        }
    }

    private final int limit;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status;
    private String retryAfter;

    BoundedResponseConsumer(int limit) {
        this.limit = limit;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
        status = response.getCode();
        Header header = response.getFirstHeader("Retry-After");
        retryAfter = header == null ? null : header.getValue();
    }

    @Override
    protected int capacityIncrement() {
        return Math.max(1, Math.min(8192, limit - body.size() + 1));
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
        int room = limit - body.size();
        int take = Math.min(room, src.remaining());
        byte[] chunk = new byte[take];
        src.get(chunk);
        body.write(chunk);
        if (src.hasRemaining()) {
            src.position(src.limit());
            throw new LimitReached(new Answer(status, retryAfter, text(), true));
        }
    }

    @Override
    protected Answer buildResult() {
        return new Answer(status, retryAfter, text(), false);
    }

    @Override
    public void releaseResources() {}

    private String text() {
        return body.toString(StandardCharsets.UTF_8);
    }
}
