package dev.herald.server;

/** One running part of the server: started once, asked whether it is ready, stopped gracefully. */
interface RoleService extends AutoCloseable {

    /** What {@code /readyz} and the logs call it. */
    String name();

    void start();

    /** Ready to do its job: streaming, consuming its partitions, holding its timers. */
    boolean ready();

    @Override
    void close();
}
