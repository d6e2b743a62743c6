package dev.herald.token;

/** A record on a Herald topic is not a token this version can read; consumers log it and skip it. */
public final class MalformedTokenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
