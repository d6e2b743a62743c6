package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A main class run as a separate JVM with the test's class path, so that a test can kill it with SIGKILL: a crash no
 * in-process "stop" can imitate. Its output goes to {@code target/child-jvms/<name>.log}.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path output;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static ChildJvm start(String name, Class<?> mainClass, List<String> arguments) {
        return start(name, mainClass.getName(), arguments);
    }

    /** The same, for a main class this module only has at run time (the Kafka broker's). */
    public static ChildJvm start(String name, String mainClass, List<String> arguments) {
        try {
            Path output =
                    Files.createDirectories(Path.of("target", "child-jvms")).resolve(name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx384m");
            if (Runtime.version().feature() >= 24) {
                command.add("--enable-native-access=ALL-UNNAMED");
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(arguments);
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            return new ChildJvm(builder.start(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the child prints {@code line} (a whole line) on its output. */
    public void awaitLine(String line, Duration timeout) {
        Awaitility.await(output.getFileName() + " to print " + line)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive() && !printed(line)) {
                        throw new IllegalStateException(output + ": the child JVM exited before printing " + line);
                    }
                    return printed(line);
                });
    }

    /** Where the child's output goes. */
    public Path output() {
        return output;
    }

    /** Waits until some line of the child's output contains {@code fragment}. */
    public void awaitOutputContaining(String fragment, Duration timeout) {
        Awaitility.await(output.getFileName() + " to print " + fragment)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    boolean found =
                            Files.exists(output) && Files.readString(output).contains(fragment);
                    if (!found && !process.isAlive()) {
                        throw new IllegalStateException(output + ": the child JVM exited before printing " + fragment);
                    }
                    return found;
                });
    }

    public boolean printed(String line) {
        try {
            return Files.exists(output) && Files.readAllLines(output).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits for a child that runs to completion (a tool); fails with its output unless it exits with 0. */
    public void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(output + ": did not finish within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        output + ": exited with " + process.exitValue() + ": " + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process gets no chance to flush anything. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: shutdown hooks run. */
    public void stop() {
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
                throw new IllegalStateException(output + ": the child JVM did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
