package dev.herald.server.web;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Development mode's caught emails, as the web UI lists them. */
public interface DevMailbox {

    /** One caught email, raw as it arrived. */
    record Email(long number, Instant receivedAt, List<String> to, String subject, byte[] raw) {}

    /** Newest first. */
    List<Email> recent();

    Path directory();
}
