package dev.herald.server.data;

import dev.herald.model.UserRole;
import dev.herald.producer.Event;
import dev.herald.producer.EventPublisher;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Suspends, activates and deletes users, each with Herald's own notification of it (account suspended, activated,
 * deleted, to the user and the account admins as Coder sends them) enqueued in the same transaction: the notice exists
 * if and only if the change does. The API, the CLI (through the API) and the web UI all come here.
 */
public final class UserLifecycle {

    /** A change the rules do not allow, with the reason to show. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final DataSource dataSource;
    private final UserDirectory users;
    private final EventPublisher events;

    public UserLifecycle(DataSource dataSource, UserDirectory users, EventPublisher events) {
        this.dataSource = dataSource;
        this.users = users;
        this.events = events;
    }

    /** Suspends {@code target}: its keys and sessions stop working at once. False when it already was suspended. */
    public boolean suspend(User target, User initiator) throws SQLException, Refused {
        check(target, initiator, "suspend");
        return inTransaction(transaction -> {
            if (target.has(UserRole.OWNER) && users.activeOwners(transaction) <= 1) {
                throw new Refused("The last active owner cannot be suspended.");
            }
            if (!users.setStatus(transaction, target.id(), "suspended")) {
                return false;
            }
            events.publish(
                    transaction,
                    Event.userAccountSuspended(target.id(), target.username(), target.name(), initiator.username()),
                    initiator.username());
            return true;
        });
    }

    /** Activates a suspended {@code target}. False when it already was active. */
    public boolean activate(User target, User initiator) throws SQLException, Refused {
        check(target, initiator, "activate");
        return inTransaction(transaction -> {
            if (!users.setStatus(transaction, target.id(), "active")) {
                return false;
            }
            events.publish(
                    transaction,
                    Event.userAccountActivated(target.id(), target.username(), target.name(), initiator.username()),
                    initiator.username());
            return true;
        });
    }

    /** Deletes {@code target} with everything of theirs. False when it was already gone. */
    public boolean delete(User target, User initiator) throws SQLException, Refused {
        check(target, initiator, "delete");
        return inTransaction(transaction -> {
            if (target.has(UserRole.OWNER)
                    && "active".equals(target.status())
                    && users.activeOwners(transaction) <= 1) {
                throw new Refused("The last active owner cannot be deleted.");
            }
            if (!users.delete(transaction, target.id())) {
                return false;
            }
            events.publish(
                    transaction,
                    Event.userAccountDeleted(target.username(), target.name(), initiator.username()),
                    initiator.username());
            return true;
        });
    }

    /** Finds a user again after a change, for the answer. */
    public Optional<User> find(UUID id) throws SQLException {
        return users.find(id.toString());
    }

    private static void check(User target, User initiator, String verb) throws Refused {
        if (target.id().equals(initiator.id())) {
            throw new Refused("You cannot " + verb + " yourself.");
        }
        if (target.has(UserRole.OWNER) && !initiator.has(UserRole.OWNER)) {
            throw new Refused("Only an owner may " + verb + " an owner.");
        }
    }

    private interface Work {
        boolean run(Connection transaction) throws SQLException, Refused;
    }

    private boolean inTransaction(Work work) throws SQLException, Refused {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                boolean changed = work.run(connection);
                connection.commit();
                return changed;
            } catch (SQLException | Refused | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
