package dev.herald.producer.relay;

import dev.herald.testing.PostgresExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Runs {@link RelayProcessMain} as a child JVM with this test's class path. */
final class RelayProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private RelayProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static RelayProcess start(
            String name, PostgresExtension postgres, String bootstrapServers, String prefix, String slot) {
        try {
            Path output = Files.createDirectories(Path.of("target", "relay-processes"))
                    .resolve(name + ".log");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(List.of(
                            java,
                            "-Xmx256m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            RelayProcessMain.class.getName(),
                            postgres.host(),
                            String.valueOf(postgres.port()),
                            postgres.databaseName(),
                            postgres.user(),
                            postgres.password(),
                            bootstrapServers,
                            prefix,
                            slot))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            return new RelayProcess(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitLine(String line, Duration timeout) {
        Awaitility.await(output.getFileName() + " to print " + line)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> printed(line));
    }

    boolean printed(String line) {
        try {
            return Files.exists(output) && Files.readAllLines(output).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL: the process gets no chance to flush anything. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: the shutdown hook stops the relay gracefully. */
    void stop() {
        process.destroy();
        waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(output + ": the relay process did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
