package dev.herald.config;

/** A {@code host:port} pair such as an SMTP smarthost or a listen address. */
public record HostPort(String host, int port) {

    /**
     * Parses {@code host:port}, {@code [v6]:port} or {@code :port} (all interfaces).
     *
     * @throws IllegalArgumentException when the text has no valid port
     */
    public static HostPort parse(String text) {
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("missing the port");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write IPv6 addresses in brackets, like [::1]:25");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 0 and 65535");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
