package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** Settings of the SMTP method. */
public record EmailConfig(
        Optional<String> from,
        HostPort smarthost,
        String hello,
        Optional<String> authUsername,
        Optional<Secret> authPassword,
        Optional<Path> authPasswordFile,
        Optional<String> authIdentity,
        boolean forceTls,
        boolean startTls,
        boolean tlsSkipVerify,
        Optional<String> tlsServerName,
        Optional<Path> tlsCertFile,
        Optional<Path> tlsCertKeyFile,
        Optional<Path> tlsCaCertFile,
        int maxMessagesPerConnection,
        Duration connectionIdleTimeout) {

    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>@]+@[^\\s<>@]+");
    private static final Pattern NAMED_ADDRESS = Pattern.compile(".*<\\s*([^<>]+)\\s*>\\s*");

    /** TLS from the first byte: forced, or implied by port 465 (RFC 8314). */
    public boolean implicitTls() {
        return forceTls || smarthost.port() == 465;
    }

    /** STARTTLS is only attempted on a plain connection; with implicit TLS it is moot. */
    public boolean useStartTls() {
        return startTls && !implicitTls();
    }

    /**
     * The same settings pointed at a local, plain SMTP server (development mode's mail catcher): no TLS, no
     * authentication, and a sender address if none was configured.
     */
    public EmailConfig deliveringTo(HostPort local, String defaultFrom) {
        return new EmailConfig(
                from.isPresent() ? from : Optional.of(defaultFrom),
                local,
                hello,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false,
                false,
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                maxMessagesPerConnection,
                connectionIdleTimeout);
    }

    public boolean authConfigured() {
        return authUsername.isPresent();
    }

    static EmailConfig from(SettingValues values) {
        EmailConfig config = new EmailConfig(
                values.optional(EMAIL_FROM),
                values.get(EMAIL_SMARTHOST),
                values.get(EMAIL_HELLO),
                values.optional(EMAIL_AUTH_USERNAME),
                values.optional(EMAIL_AUTH_PASSWORD),
                values.optional(EMAIL_AUTH_PASSWORD_FILE),
                values.optional(EMAIL_AUTH_IDENTITY),
                values.get(EMAIL_FORCE_TLS),
                values.get(EMAIL_TLS_STARTTLS),
                values.get(EMAIL_TLS_SKIP_VERIFY),
                values.optional(EMAIL_TLS_SERVER_NAME),
                values.optional(EMAIL_TLS_CERT_FILE),
                values.optional(EMAIL_TLS_CERT_KEY_FILE),
                values.optional(EMAIL_TLS_CA_CERT_FILE),
                values.get(EMAIL_MAX_MESSAGES_PER_CONNECTION),
                values.get(EMAIL_CONNECTION_IDLE_TIMEOUT));
        config.from()
                .filter(from -> !validSender(from))
                .ifPresent(from -> values.problem(EMAIL_FROM.displayName()
                        + ": \"" + from + "\" is not an email address. Fix: give an address such as"
                        + " herald@example.com or \"Herald <herald@example.com>\"."));
        if (config.authPassword().isPresent() && config.authPasswordFile().isPresent()) {
            values.problem(EMAIL_AUTH_PASSWORD.displayName() + " and " + EMAIL_AUTH_PASSWORD_FILE.displayName()
                    + " are both set. Fix: set only one; the file is preferred because it keeps the password out of"
                    + " the process environment.");
        }
        if ((config.authPassword().isPresent() || config.authPasswordFile().isPresent())
                && config.authUsername().isEmpty()) {
            values.problem(EMAIL_AUTH_USERNAME.displayName()
                    + " is required when a password is set. Fix: set the username to authenticate as.");
        }
        if (config.authConfigured()
                && !config.implicitTls()
                && !config.useStartTls()
                && !localhost(config.smarthost().host())
                && !Boolean.TRUE.equals(values.get(EMAIL_AUTH_ALLOW_INSECURE))) {
            values.problem(EMAIL_AUTH_USERNAME.displayName() + " is set, but the connection to "
                    + config.smarthost() + " is not encrypted, so the password would cross the network in the"
                    + " clear. Fix: set --notifications-email-tls-starttls (or --notifications-email-force-tls for"
                    + " TLS from the first byte), or, knowing the risk, --notifications-email-auth-allow-insecure.");
        }
        if (config.tlsCertFile().isPresent() != config.tlsCertKeyFile().isPresent()) {
            values.problem(EMAIL_TLS_CERT_FILE.displayName() + " and " + EMAIL_TLS_CERT_KEY_FILE.displayName()
                    + " go together. Fix: set both (a client certificate and its key) or neither.");
        }
        return config;
    }

    /** Where a password in the clear never leaves the machine. */
    private static boolean localhost(String host) {
        return host.equalsIgnoreCase("localhost")
                || host.equals("127.0.0.1")
                || host.equals("::1")
                || host.equals("[::1]");
    }

    private static boolean validSender(String from) {
        var named = NAMED_ADDRESS.matcher(from);
        String address = named.matches() ? named.group(1).trim() : from.trim();
        return ADDRESS.matcher(address).matches();
    }
}
