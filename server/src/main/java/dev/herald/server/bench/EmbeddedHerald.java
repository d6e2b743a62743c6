package dev.herald.server.bench;

import dev.herald.config.Secret;
import dev.herald.db.DatabaseUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code herald server} with every role and embedded PostgreSQL and Kafka, run as a process of its own so that its CPU
 * time is Herald's alone (the bench's receivers and enqueuers run in the bench's process). Its data lives in a
 * temporary directory that is deleted afterwards.
 */
final class EmbeddedHerald implements BenchTarget {

    private static final Pattern DATABASE_PORT =
            Pattern.compile("embedded PostgreSQL for development started on port (\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final Path directory;
    private final DatabaseUrl database;
    private final int metricsPort;

    private EmbeddedHerald(Process process, Path directory, DatabaseUrl database, int metricsPort) {
        this.process = process;
        this.directory = directory;
        this.database = database;
        this.metricsPort = metricsPort;
    }

    /**
     * @param serverFlags more {@code herald server} flags, which win over the bench's (to tune partitions, in-flight
     *     sends and the like)
     * @param jvmOptions options for Herald's JVM, such as {@code -Xmx2g} or a JFR recording
     */
    static EmbeddedHerald start(
            String method, int httpPort, int smtpPort, List<String> serverFlags, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("herald-bench");
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            metricsPort = free.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.herald.server.Herald", "server"));
        command.addAll(List.of(
                "--data-dir=" + directory,
                "--roles=all",
                "--http-address=127.0.0.1:0",
                "--prometheus-address=127.0.0.1:" + metricsPort,
                "--notifications-method=" + method,
                "--notifications-webhook-endpoint=http://127.0.0.1:" + httpPort + "/hook",
                "--notifications-email-smarthost=127.0.0.1:" + smtpPort,
                "--notifications-email-from=Herald Bench <bench@localhost>"));
        // The bench measures one method's pipeline; the inbox's copies are a second pipeline's work, measured only
        // when asked for with --server-flag=--notifications-inbox-enabled=true.
        if (serverFlags.stream().noneMatch(flag -> flag.startsWith("--notifications-inbox-enabled"))) {
            command.add("--notifications-inbox-enabled=false");
        }
        command.addAll(serverFlags);
        Path log = directory.resolve("herald.log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String output = Files.readString(log);
            if (output.contains("herald server is ready")) {
                Matcher port = DATABASE_PORT.matcher(output);
                if (!port.find()) {
                    process.destroyForcibly();
                    throw new IOException("herald server did not log its embedded PostgreSQL's port; see " + log);
                }
                Secret password = Secret.of(
                        Files.readString(directory.resolve("postgres.password")).strip());
                return new EmbeddedHerald(
                        process,
                        directory,
                        new DatabaseUrl(
                                "127.0.0.1",
                                Integer.parseInt(port.group(1)),
                                "postgres",
                                "postgres",
                                password,
                                Map.of()),
                        metricsPort);
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("herald server did not become ready (exit "
                        + (process.isAlive() ? "none, timed out" : process.exitValue()) + "); its log:\n"
                        + tail(output));
            }
            Thread.sleep(200);
        }
    }

    @Override
    public DatabaseUrl database() {
        return database;
    }

    @Override
    public Optional<URI> metrics() {
        return Optional.of(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));
    }

    @Override
    public Optional<Duration> cpu() {
        return process.toHandle().info().totalCpuDuration();
    }

    /**
     * The postmaster named in the data directory's pid file, and its children: the sessions of Herald's pools, the
     * relay's replication connection, the bench's enqueuers and the background workers. A session that ended during
     * the run takes its CPU time with it; the pools keep theirs open.
     */
    @Override
    public Optional<Duration> databaseCpu() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(directory.resolve("postgres/postmaster.pid"))
                    .getFirst()
                    .strip());
            return ProcessHandle.of(postmaster)
                    .map(server -> Stream.concat(Stream.of(server), server.children())
                            .map(process -> process.info().totalCpuDuration().orElse(Duration.ZERO))
                            .reduce(Duration.ZERO, Duration::plus));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String describe() {
        return "herald server (every role, embedded PostgreSQL and Kafka) started by the bench, pid " + process.pid();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
