package dev.herald.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.dispatch.DeliveryResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each row of the SMTP classification table is a case. */
class SmtpClassifierTest {

    @ParameterizedTest(name = "reply {0} -> {1}")
    @CsvSource({
        "421, retryable",
        "450, retryable",
        "451, retryable",
        "452, retryable",
        "500, permanent",
        "550, permanent",
        "551, permanent",
        "552, retryable",
        "553, permanent",
        "554, permanent"
    })
    void replyCodes(int code, String expected) {
        MessagingException failure = new SMTPSendFailedException("DATA", code, code + " reply", null, null, null, null);

        assertThat(kind(SmtpClassifier.classify(failure))).isEqualTo(expected);
    }

    @Test
    void connectionTlsAndTimeoutFailuresAreRetryable() {
        assertThat(kind(SmtpClassifier.classify(
                        new MessagingException("Could not connect", new java.net.ConnectException("refused")))))
                .isEqualTo("retryable");
        assertThat(kind(SmtpClassifier.classify(
                        new MessagingException("handshake", new SSLHandshakeException("untrusted")))))
                .isEqualTo("retryable");
        assertThat(kind(SmtpClassifier.classify(
                        new MessagingException("read", new SocketTimeoutException("Read timed out")))))
                .isEqualTo("retryable");
        assertThat(kind(SmtpClassifier.classify(new AuthenticationFailedException("535 bad credentials"))))
                .isEqualTo("retryable");
    }

    @Test
    void anAddressThatCannotBeWrittenIsPermanent() {
        assertThat(kind(SmtpClassifier.classify(new AddressException("Missing final '@domain'", "danny"))))
                .isEqualTo("permanent");
    }

    private static String kind(DeliveryResult result) {
        return switch (result) {
            case DeliveryResult.Delivered d -> "delivered";
            case DeliveryResult.Permanent p -> "permanent";
            case DeliveryResult.Retryable r -> "retryable";
        };
    }
}
