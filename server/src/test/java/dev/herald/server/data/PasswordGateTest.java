package dev.herald.server.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.model.UserRole;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;

class PasswordGateTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String HASH = Passwords.hash(PASSWORD);

    private final PasswordGate gate = new PasswordGate(1, Duration.ofSeconds(10));

    @Test
    void everyAnswerCostsOneBcryptCheckWhoeverAsks() throws Exception {
        Optional<UserDirectory.StoredPassword> unknown = Optional.empty();
        Optional<UserDirectory.StoredPassword> passwordless = stored("active", null);
        Optional<UserDirectory.StoredPassword> suspended = stored("suspended", HASH);
        Optional<UserDirectory.StoredPassword> real = stored("active", HASH);

        assertThat(gate.verify(unknown, PASSWORD)).isEmpty();
        assertThat(gate.checks()).isEqualTo(1);
        assertThat(gate.verify(passwordless, PASSWORD)).isEmpty();
        assertThat(gate.checks()).isEqualTo(2);
        assertThat(gate.verify(suspended, PASSWORD)).isEmpty();
        assertThat(gate.checks()).isEqualTo(3);
        assertThat(gate.verify(real, "wrong password")).isEmpty();
        assertThat(gate.checks()).isEqualTo(4);
        assertThat(gate.verify(real, PASSWORD)).map(User::username).contains("olive");
        assertThat(gate.checks()).isEqualTo(5);
    }

    @Test
    void whenEverySlotStaysBusyTheCallerIsToldToComeBackWithoutAnyCheck() {
        Semaphore slots = new Semaphore(1);
        PasswordGate busy = new PasswordGate(slots, Duration.ofMillis(20));
        slots.acquireUninterruptibly();

        assertThatThrownBy(() -> busy.verify(stored("active", HASH), PASSWORD)).isInstanceOf(PasswordGate.Busy.class);
        assertThat(busy.checks()).isZero();

        slots.release();
        assertThat(slots.availablePermits()).isEqualTo(1);
    }

    private static Optional<UserDirectory.StoredPassword> stored(String status, String hash) {
        User user = new User(
                UUID.randomUUID(),
                "olive@example.com",
                "olive",
                "Olive",
                Set.of(UserRole.OWNER),
                status,
                Instant.EPOCH);
        return Optional.of(new UserDirectory.StoredPassword(user, hash));
    }
}
