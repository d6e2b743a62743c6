package dev.herald.producer;

/**
 * The request itself is wrong (unknown template or user, missing labels, a payload that is too large); nothing was
 * written. The message says which field and how to fix it.
 */
public final class EnqueueRejectedException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Which input was at fault: {@code template_id}, {@code user_id}, {@code labels} or {@code data}. */
    private final String field;

    public EnqueueRejectedException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
