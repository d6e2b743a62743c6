package dev.herald.server;

import dev.herald.config.ConfigurationException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.cli.CommandLineSettings;
import dev.herald.server.bench.BenchCommand;
import dev.herald.server.cli.EnqueueCommand;
import dev.herald.server.cli.FleetCommand;
import dev.herald.server.cli.MessagesCommand;
import dev.herald.server.cli.NotificationsCommand;
import dev.herald.server.cli.UsersCommand;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** The {@code herald} command. */
public final class Herald {

    /** Exit code for a configuration the user must fix; nothing was started. */
    public static final int EXIT_CONFIGURATION = 2;

    /** Exit code for a server that could not start (a database or broker unreachable, a port taken). */
    public static final int EXIT_START_FAILED = 1;

    private Herald() {}

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command; returns its exit code. {@code herald server} returns only when the process is stopped. */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine root = commandLine();
        root.setOut(new java.io.PrintWriter(out, true));
        root.setErr(new java.io.PrintWriter(err, true));
        ParseResult parsed;
        try {
            parsed = root.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println(e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return EXIT_CONFIGURATION;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return 0;
        }
        if (!parsed.hasSubcommand()) {
            root.usage(out);
            return 0;
        }
        ParseResult command = parsed.subcommand();
        if (command.commandSpec().name().equals("server")) {
            return server(command, environment, err);
        }
        // The admin commands run themselves: picocli calls the chosen subcommand of what it already parsed.
        return new CommandLine.RunLast().execute(parsed);
    }

    static CommandLine commandLine() {
        CommandSpec rootSpec = CommandSpec.create().name("herald").mixinStandardHelpOptions(true);
        rootSpec.usageMessage()
                .description("Herald delivers notifications by email and webhook, reliably, across a fleet of"
                        + " workers.");
        rootSpec.version("herald " + version());
        CommandSpec serverSpec = CommandSpec.create().name("server").mixinStandardHelpOptions(true);
        serverSpec
                .usageMessage()
                .description("Runs Herald's roles. Without --postgres-url and --kafka-bootstrap-servers it starts an"
                        + " embedded PostgreSQL and Kafka for development, keeping their data in --data-dir.");
        CommandLineSettings.addOptions(serverSpec);
        CommandLine root = new CommandLine(rootSpec);
        root.addSubcommand("server", new CommandLine(serverSpec));
        root.addSubcommand("notifications", new NotificationsCommand());
        root.addSubcommand("messages", new MessagesCommand());
        root.addSubcommand("fleet", new FleetCommand());
        root.addSubcommand("users", new UsersCommand());
        root.addSubcommand("enqueue", new EnqueueCommand());
        root.addSubcommand("bench", new BenchCommand());
        return root;
    }

    private static int server(ParseResult parsed, Map<String, String> environment, PrintStream err) {
        HeraldConfig config;
        try {
            config = HeraldConfig.load(CommandLineSettings.input(parsed, environment));
        } catch (ConfigurationException e) {
            err.println(e.getMessage());
            return EXIT_CONFIGURATION;
        }
        Logging.configure(config.server().verbose());
        HeraldServer server;
        try {
            server = HeraldServer.start(config, Clock.systemUTC());
        } catch (ConfigurationException e) {
            err.println("herald server cannot start: " + e.getMessage());
            return EXIT_CONFIGURATION;
        } catch (IllegalStateException e) {
            err.println("herald server could not start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform().name("herald-shutdown").unstarted(() -> {
                    server.close();
                    stopped.countDown();
                }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String version() {
        String version = Herald.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
