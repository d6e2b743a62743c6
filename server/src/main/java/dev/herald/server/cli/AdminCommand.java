package dev.herald.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every admin command shares: print the API's answer, or its refusal with exit code 1. */
abstract class AdminCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Does the work; prints results on {@link #out()}. */
    abstract void run() throws AdminClient.Failure;

    @Override
    public final Integer call() {
        try {
            run();
            return 0;
        } catch (AdminClient.Failure e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
