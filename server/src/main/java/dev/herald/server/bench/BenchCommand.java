package dev.herald.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.db.DatabaseUrl;
import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code herald bench}: end-to-end throughput, Herald's CPU per message and enqueue → delivered latency, measured the
 * way users run Herald. Without {@code --postgres-url} it starts {@code herald server} with every role and embedded
 * PostgreSQL and Kafka; with it, it measures a running deployment whose webhook endpoint (or smarthost) points at the
 * bench's receivers.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure end-to-end throughput, Herald CPU per message and enqueue → delivered latency. Without"
                + " --postgres-url it starts herald server (every role, embedded PostgreSQL and Kafka) itself.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--messages", defaultValue = "20000", description = "Messages measured. Default: ${DEFAULT-VALUE}.")
    int messages;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Messages a second to offer; 0 enqueues them all at once. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(
            names = "--warmup",
            defaultValue = "2000",
            description = "Messages delivered first, at the same --rate, and not measured, so that the JIT has done"
                    + " its work. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--method", defaultValue = "webhook", description = "webhook or smtp. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(
            names = "--timeout",
            defaultValue = "10m",
            description = "How long to wait for the last delivery. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(
            names = "--server-flag",
            description = "A flag for the herald server the bench starts, such as"
                    + " --server-flag=--notifications-max-inflight-sends=64. Repeatable.")
    List<String> serverFlags = new ArrayList<>();

    @Option(
            names = "--jvm-option",
            description = "A JVM option for the herald server the bench starts, such as -Xmx2g or"
                    + " -XX:StartFlightRecording=filename=herald.jfr. Repeatable.")
    List<String> jvmOptions = new ArrayList<>();

    @Option(
            names = "--postgres-url",
            description = "Measure the deployment using this database instead of starting one. Its webhook endpoint"
                    + " (or smarthost) must point at --receiver-http-port (or --receiver-smtp-port) on this machine.")
    String postgresUrl;

    @Option(
            names = "--receiver-http-port",
            defaultValue = "0",
            description = "Port of the bench's webhook receiver on 127.0.0.1 (0: any free port).")
    int httpPort;

    @Option(
            names = "--receiver-smtp-port",
            defaultValue = "0",
            description = "Port of the bench's SMTP receiver on 127.0.0.1 (0: any free port).")
    int smtpPort;

    @Option(
            names = "--herald-pid",
            description = "With --postgres-url: a Herald process on this machine whose CPU to count. Repeatable.")
    List<Long> heraldPids = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!method.equals("webhook") && !method.equals("smtp")) {
            err.println("--method: \"" + method + "\" is not webhook or smtp.");
            return 2;
        }
        if (messages < 1) {
            err.println("--messages: give at least 1.");
            return 2;
        }
        Duration wait;
        try {
            wait = dev.herald.config.GoDuration.parse(timeout);
        } catch (IllegalArgumentException e) {
            err.println("--timeout: \"" + timeout + "\" is not a duration such as 10m.");
            return 2;
        }
        try (BenchReceiver receiver = BenchReceiver.onLoopback(httpPort, smtpPort)) {
            err.println("bench receivers: webhooks on http://127.0.0.1:" + receiver.httpPort() + "/hook, email on"
                    + " 127.0.0.1:" + receiver.smtpPort());
            try (BenchTarget target = target(receiver, err);
                    HikariDataSource database = pool(target.database())) {
                UUID recipient = recipient(database);
                BenchRun run = new BenchRun(database, receiver, target, recipient);
                if (warmup > 0) {
                    err.println("warming up with " + warmup + " messages (not measured)");
                    run.run(method, warmup, rate, wait);
                }
                err.println("measuring " + messages + " messages");
                BenchReport report = run.run(method, messages, rate, wait);
                if (json) {
                    out.println(new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(report.json()));
                } else {
                    out.print(report.text());
                }
                out.flush();
                return report.delivered() == messages ? 0 : 1;
            }
        }
    }

    private BenchTarget target(BenchReceiver receiver, PrintWriter err) throws Exception {
        if (postgresUrl != null && !postgresUrl.isBlank()) {
            return new Deployment(DatabaseUrl.parse(postgresUrl), heraldPids);
        }
        err.println("starting herald server with every role and embedded PostgreSQL and Kafka (about a minute)");
        return EmbeddedHerald.start(method, receiver.httpPort(), receiver.smtpPort(), serverFlags, jvmOptions);
    }

    private static HikariDataSource pool(DatabaseUrl url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url.jdbcUrl());
        pool.setUsername(url.user());
        pool.setPassword(url.password().reveal());
        pool.setMaximumPoolSize(4);
        pool.setPoolName("herald-bench");
        return pool;
    }

    /** A user of the bench's own, so that nobody's preferences or inbox are touched. */
    private static UUID recipient(HikariDataSource database) throws Exception {
        String name = "herald-bench-" + UUID.randomUUID().toString().substring(0, 8);
        User user = new UserDirectory(database)
                .create(name + "@bench.invalid", name, "Herald Bench", Set.of(UserRole.MEMBER));
        return user.id();
    }
}
