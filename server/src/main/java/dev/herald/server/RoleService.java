package dev.herald.server;

import dev.herald.server.health.RoleStatus;
import java.util.function.Supplier;

/**
 * One running part of the server: started once, asked how it is doing, stopped gracefully.
 *
 * @param name what {@code /readyz} and the logs call it
 * @param status ready to do its job (streaming, consuming its partitions, holding its timers), or why not
 */
record RoleService(String name, Runnable starter, Supplier<RoleStatus> status, Runnable stopper)
        implements AutoCloseable {

    void start() {
        starter.run();
    }

    RoleStatus currentStatus() {
        return status.get();
    }

    @Override
    public void close() {
        stopper.run();
    }
}
