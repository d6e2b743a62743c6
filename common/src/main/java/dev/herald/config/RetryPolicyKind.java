package dev.herald.config;

/** The shapes of retry timing an operator can choose. */
public enum RetryPolicyKind {
    /** The retry interval every time, as Coder does. */
    FIXED,
    /** Doubling waits with jitter, capped by the maximum retry interval. */
    EXPONENTIAL
}
