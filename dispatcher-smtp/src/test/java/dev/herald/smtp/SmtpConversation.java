package dev.herald.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server that accepts every message and records the verb of every command it is sent, in order, so that a
 * test can pin the client's side of the conversation (the round trips per message). One connection at a time.
 */
final class SmtpConversation implements AutoCloseable {

    private final ServerSocket socket;
    private final List<String> verbs = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private SmtpConversation(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = Thread.ofPlatform().daemon().name("smtp-conversation").start(this::serve);
    }

    static SmtpConversation start() throws IOException {
        return new SmtpConversation(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The commands received so far, QUIT left out (it depends on when the client closes). */
    List<String> verbs() {
        return verbs.stream().filter(verb -> !verb.equals("QUIT")).toList();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException e) {
                // Closed by the test, or the client went away: wait for the next connection.
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        reply(out, "220 localhost ready");
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            verbs.add(verb);
            switch (verb) {
                case "EHLO" -> reply(out, "250-localhost\r\n250 8BITMIME");
                case "DATA" -> {
                    reply(out, "354 go ahead");
                    String body;
                    while ((body = in.readLine()) != null && !body.equals(".")) {
                        // The message itself is not what this server records.
                    }
                    reply(out, "250 accepted");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "250 ok");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
