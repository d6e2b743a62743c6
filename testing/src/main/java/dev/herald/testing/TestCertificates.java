package dev.herald.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * A throw-away certificate authority with a server certificate for {@code localhost} and a client certificate, made
 * fresh per test run so that no key material is committed. Written as PEM files, which is what operators hand to
 * Herald's {@code --notifications-email-tls-*-file} flags.
 */
public final class TestCertificates {

    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final KeyPair serverKeys;
    private final X509Certificate serverCertificate;
    private final KeyPair clientKeys;
    private final X509Certificate clientCertificate;
    private final Path directory;

    private TestCertificates(Path directory) throws GeneralSecurityException, OperatorCreationException, IOException {
        this.directory = directory;
        Instant now = Instant.now();
        caKeys = newKeyPair();
        caCertificate = sign(
                new X500Name("CN=Herald Test CA"),
                caKeys,
                new X500Name("CN=Herald Test CA"),
                caKeys.getPrivate(),
                now,
                true,
                null,
                null);
        serverKeys = newKeyPair();
        serverCertificate = sign(
                new X500Name("CN=localhost"),
                serverKeys,
                new X500Name("CN=Herald Test CA"),
                caKeys.getPrivate(),
                now,
                false,
                new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                }),
                KeyPurposeId.id_kp_serverAuth);
        clientKeys = newKeyPair();
        clientCertificate = sign(
                new X500Name("CN=herald-client"),
                clientKeys,
                new X500Name("CN=Herald Test CA"),
                caKeys.getPrivate(),
                now,
                false,
                null,
                KeyPurposeId.id_kp_clientAuth);
        writePem(caFile(), caCertificate);
        writePem(serverCertificateFile(), serverCertificate);
        writePem(serverKeyFile(), new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
        writePem(clientCertificateFile(), clientCertificate);
        writePem(clientKeyFile(), new JcaPKCS8Generator(clientKeys.getPrivate(), null).generate());
    }

    /** Creates a new CA, server and client certificate under {@code directory}. */
    public static TestCertificates create(Path directory) {
        try {
            Files.createDirectories(directory);
            return new TestCertificates(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not create test certificates", e);
        }
    }

    /** Creates the certificates in a fresh temporary directory. */
    public static TestCertificates createTemporary() {
        try {
            return create(Files.createTempDirectory("herald-certs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path caFile() {
        return directory.resolve("ca.crt");
    }

    public Path serverCertificateFile() {
        return directory.resolve("server.crt");
    }

    public Path serverKeyFile() {
        return directory.resolve("server.key");
    }

    public Path clientCertificateFile() {
        return directory.resolve("client.crt");
    }

    public Path clientKeyFile() {
        return directory.resolve("client.key");
    }

    /** An SSL context presenting the {@code localhost} certificate and trusting client certificates from this CA. */
    public SSLContext serverContext() {
        return context(serverKeys.getPrivate(), serverCertificate);
    }

    /** An SSL context presenting the client certificate and trusting servers signed by this CA. */
    public SSLContext clientContext() {
        return context(clientKeys.getPrivate(), clientCertificate);
    }

    private SSLContext context(PrivateKey key, X509Certificate certificate) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("key", key, STORE_PASSWORD, new Certificate[] {certificate, caCertificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, STORE_PASSWORD);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCertificate);
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not build SSL context", e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(
            X500Name subject,
            KeyPair subjectKeys,
            X500Name issuer,
            PrivateKey issuerKey,
            Instant now,
            boolean ca,
            GeneralNames subjectAlternativeNames,
            KeyPurposeId purpose)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        }
        if (subjectAlternativeNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames);
        }
        if (purpose != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void writePem(Path file, Object value) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (value instanceof PemObjectGenerator generator) {
                writer.writeObject(generator);
            } else {
                writer.writeObject(value);
            }
        }
        Files.writeString(file, text.toString());
    }
}
