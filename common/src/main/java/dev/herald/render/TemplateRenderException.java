package dev.herald.render;

/** A template could not be filled in; delivery of the message is a permanent failure with this message as reason. */
public final class TemplateRenderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TemplateRenderException(String message, Throwable cause) {
        super(message, cause);
    }
}
