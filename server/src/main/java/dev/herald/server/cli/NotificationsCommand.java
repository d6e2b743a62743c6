package dev.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code herald notifications pause|resume|test|custom}. */
@Command(
        name = "notifications",
        description = "Pause or resume delivery, send a test or custom notification.",
        mixinStandardHelpOptions = true,
        subcommands = {
            NotificationsCommand.Pause.class,
            NotificationsCommand.Resume.class,
            NotificationsCommand.Test.class,
            NotificationsCommand.Custom.class
        })
public final class NotificationsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, say which there are. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Pause and resume differ only in the value they set and the words they print. */
    abstract static class PauseSwitchCommand extends AdminCommand {
        @Mixin
        ApiOptions api;

        abstract boolean paused();

        @Override
        void run() throws AdminClient.Failure {
            JsonNode answer = api.client().put("/api/v2/notifications/settings", Map.of("notifier_paused", paused()));
            boolean unchanged = answer.path("unchanged").asBoolean();
            out().println(
                            paused()
                                    ? (unchanged ? "Notifications were already paused." : "Notifications paused.")
                                    : (unchanged ? "Notifications were not paused." : "Notifications resumed."));
        }
    }

    @Command(name = "pause", description = "Stop every dispatcher from sending until resumed (owners).")
    static final class Pause extends PauseSwitchCommand {
        @Override
        boolean paused() {
            return true;
        }
    }

    @Command(name = "resume", description = "Let dispatchers send again (owners).")
    static final class Resume extends PauseSwitchCommand {
        @Override
        boolean paused() {
            return false;
        }
    }

    @Command(name = "test", description = "Send the test notification to yourself (owners).")
    static final class Test extends AdminCommand {
        @Mixin
        ApiOptions api;

        @Override
        void run() throws AdminClient.Failure {
            api.client().post("/api/v2/notifications/test", null);
            out().println("Test notification enqueued; it is on its way to you.");
        }
    }

    @Command(name = "custom", description = "Send yourself a custom notification.")
    static final class Custom extends AdminCommand {
        @Mixin
        ApiOptions api;

        @Parameters(index = "0", description = "The title (at most 120 characters).")
        String title;

        @Parameters(index = "1", description = "The message (at most 2000 characters).")
        String message;

        @Override
        void run() throws AdminClient.Failure {
            api.client()
                    .post(
                            "/api/v2/notifications/custom",
                            Map.of("content", Map.of("title", title, "message", message)));
            out().println("Custom notification enqueued; it is on its way to you.");
        }
    }
}
