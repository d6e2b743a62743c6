package dev.herald.server;

import java.util.function.BooleanSupplier;

/**
 * One running part of the server: started once, asked whether it is ready, stopped gracefully.
 *
 * @param name what {@code /readyz} and the logs call it
 * @param ready ready to do its job: streaming, consuming its partitions, holding its timers
 */
record RoleService(String name, Runnable starter, BooleanSupplier ready, Runnable stopper) implements AutoCloseable {

    void start() {
        starter.run();
    }

    boolean isReady() {
        return ready.getAsBoolean();
    }

    @Override
    public void close() {
        stopper.run();
    }
}
