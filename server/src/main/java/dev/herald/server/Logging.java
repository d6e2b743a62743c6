package dev.herald.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Log levels chosen on the command line. */
final class Logging {

    private Logging() {}

    /** {@code --verbose} turns Herald's own debug lines on; the libraries stay at their usual level. */
    static void configure(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger("dev.herald").setLevel(verbose ? Level.DEBUG : Level.INFO);
        }
    }
}
