package dev.herald.server.data;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** Password hashing with bcrypt (BouncyCastle's implementation): slow on purpose, salted, self-describing. */
public final class Passwords {

    /** 2^12 rounds: a few hundred milliseconds per check here, which is the point. */
    private static final int COST = 12;

    private static final int MINIMUM_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    /**
     * @throws IllegalArgumentException when the password is too short to be worth hashing
     */
    public static String hash(String password) {
        if (password.length() < MINIMUM_LENGTH) {
            throw new IllegalArgumentException("must be at least " + MINIMUM_LENGTH + " characters");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(password.toCharArray(), salt, COST);
    }

    public static boolean matches(String password, String hash) {
        try {
            return hash != null && OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
