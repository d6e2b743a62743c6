package dev.herald.lifecycle;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Says a loop's failure once, in one line with its cause, instead of once per attempt: the same failure again within
 * {@code quietPeriod} is only counted, and the next line that is written says how many were left out. The stack
 * trace goes to debug. A dead dependency costs a line every quiet period, never a full disk.
 */
public final class FailureLog {

    /** A cause longer than this is cut: some libraries put whole objects into their messages. */
    private static final int MAX_LENGTH = 400;

    private final Logger log;
    private final String what;
    private final Duration quietPeriod;
    private String lastCause;
    private Instant lastWritten;
    private int unwritten;
    private int failuresSinceHealthy;

    /**
     * @param what the loop, as the start of a sentence: "notifications relay"
     */
    public FailureLog(Logger log, String what, Duration quietPeriod) {
        this.log = log;
        this.what = what;
        this.quietPeriod = quietPeriod;
    }

    /**
     * A failure at {@code now}.
     *
     * @param action what failed, completing "{what} could not ...": "stream changes"
     * @param fix what an operator can do, or empty when nothing is known
     * @param retryIn when the loop tries again
     * @return true when a line was written
     */
    public boolean failed(String action, Throwable failure, String fix, Duration retryIn, Instant now) {
        failuresSinceHealthy++;
        String cause = describe(failure);
        boolean repeat = cause.equals(lastCause) && lastWritten != null && now.isBefore(lastWritten.plus(quietPeriod));
        if (repeat) {
            unwritten++;
            log.debug("{} could not {} (again): {}", what, action, cause, failure);
            return false;
        }
        String repeats = unwritten == 0
                ? ""
                : " (the previous failure happened " + unwritten + " more time(s) since it was last logged)";
        log.warn(
                "{} could not {}: {}{} Trying again {}.{}",
                what,
                action,
                sentence(cause),
                fix.isEmpty() ? "" : " Fix: " + sentence(fix),
                format(retryIn),
                repeats);
        log.debug("{} failure detail", what, failure);
        lastCause = cause;
        lastWritten = now;
        unwritten = 0;
        return true;
    }

    /** A good turn: after failures, says once that the loop works again. */
    public void healthy() {
        if (failuresSinceHealthy > 0) {
            log.info("{} works again after {} failed attempt(s)", what, failuresSinceHealthy);
            failuresSinceHealthy = 0;
            lastCause = null;
            lastWritten = null;
            unwritten = 0;
        }
    }

    /**
     * The message worth reading: wrappers like ExecutionException say nothing themselves, and a library's own wrapper
     * ("An exception occurred in the change event producer") hides the cause an operator can act on, so the root
     * cause is added when it says something else.
     */
    public static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null
                && cause.getCause() != cause
                && (cause.getMessage() == null
                        || cause instanceof java.util.concurrent.ExecutionException
                        || cause instanceof java.util.concurrent.CompletionException)) {
            cause = cause.getCause();
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = text(cause);
        String rootText = text(root);
        if (root != cause && !text.contains(rootText)) {
            text = text + " (" + rootText + ")";
        }
        return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH - 3) + "..." : text;
    }

    private static String text(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank()
                ? failure.getClass().getSimpleName()
                : message.strip().replaceAll("\\s+", " ");
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    private static String format(Duration duration) {
        if (duration.isZero()) {
            return "at once";
        }
        return "in " + (duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms");
    }
}
