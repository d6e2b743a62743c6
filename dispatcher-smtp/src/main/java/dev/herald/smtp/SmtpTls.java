package dev.herald.smtp;

import dev.herald.config.EmailConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of the SMTP settings: which servers to trust (the system's CAs, a CA file, or anyone when
 * verification is skipped), which name to verify, and the client certificate to present.
 */
final class SmtpTls {

    private SmtpTls() {}

    /**
     * @throws IllegalArgumentException naming the file and the problem, when a certificate or key cannot be read
     */
    static SSLSocketFactory socketFactory(EmailConfig config) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(config), new TrustManager[] {trustManager(config)}, new SecureRandom());
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the SMTP TLS settings cannot be used: " + e.getMessage(), e);
        }
    }

    /** Whether Jakarta Mail should check the server's name itself (against the smarthost's host name). */
    static boolean mailChecksServerIdentity(EmailConfig config) {
        return !config.tlsSkipVerify() && config.tlsServerName().isEmpty();
    }

    private static KeyManager[] keyManagers(EmailConfig config) throws GeneralSecurityException, IOException {
        if (config.tlsCertFile().isEmpty() || config.tlsCertKeyFile().isEmpty()) {
            return null;
        }
        List<? extends Certificate> chain = certificates(config.tlsCertFile().get());
        PrivateKey key = privateKey(config.tlsCertKeyFile().get());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "herald".toCharArray();
        store.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static X509ExtendedTrustManager trustManager(EmailConfig config)
            throws GeneralSecurityException, IOException {
        if (config.tlsSkipVerify()) {
            return new TrustEveryone();
        }
        KeyStore anchors = null;
        if (config.tlsCaCertFile().isPresent()) {
            anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(config.tlsCaCertFile().get())) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        X509ExtendedTrustManager system = null;
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                system = extended;
            }
        }
        if (system == null) {
            throw new GeneralSecurityException("no X.509 trust manager available");
        }
        return config.tlsServerName().isPresent()
                ? new VerifyServerName(system, config.tlsServerName().get())
                : system;
    }

    private static List<? extends Certificate> certificates(Path file) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new GeneralSecurityException(file + " holds no PEM certificate");
            }
            return List.copyOf(certificates);
        }
    }

    private static PrivateKey privateKey(Path file) throws GeneralSecurityException, IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException(file + " is not a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt");
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END"))
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(file + " holds a key of an unsupported type", last);
    }

    /** Skip-verify: accepts any server certificate. Insecure by design; only when the operator asked for it. */
    private static final class TrustEveryone extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * Validates the chain as usual, then the name against {@code --notifications-email-tls-server-name} instead of
     * the host connected to (for a smarthost reached by IP or through a tunnel).
     */
    private static final class VerifyServerName extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager chain;
        private final String serverName;

        VerifyServerName(X509ExtendedTrustManager chain, String serverName) {
            this.chain = chain;
            this.serverName = serverName.toLowerCase(Locale.ROOT);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            chain.checkServerTrusted(certificates, authType);
            matchName(certificates[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(certificates, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(certificates, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            chain.checkClientTrusted(certificates, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            chain.checkClientTrusted(certificates, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            chain.checkClientTrusted(certificates, authType, engine);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain.getAcceptedIssuers();
        }

        private void matchName(X509Certificate leaf) throws CertificateException {
            Collection<List<?>> names;
            try {
                names = leaf.getSubjectAlternativeNames();
            } catch (CertificateParsingException e) {
                throw new CertificateException("the server certificate's names cannot be read", e);
            }
            if (names != null) {
                for (List<?> name : names) {
                    String value = String.valueOf(name.get(1)).toLowerCase(Locale.ROOT);
                    if (value.equals(serverName)
                            || (value.startsWith("*.")
                                    && serverName.endsWith(value.substring(1))
                                    && serverName.indexOf('.') == serverName.length() - value.length() + 1)) {
                        return;
                    }
                }
            }
            throw new CertificateException("the server certificate is not valid for " + serverName);
        }
    }
}
