package dev.herald.smtp;

import dev.herald.dispatch.DeliveryResult;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import java.io.IOException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * What an SMTP failure means, as one table. Reply codes: 4xx retry, 5xx give up, except 552, which RFC 5321
 * (4.5.3.1.10) says clients should treat as the temporary 452. Connection, TLS and timeout failures, and rejected
 * credentials (a password may be rotated or fixed), are retried; an address that cannot be written is not.
 */
final class SmtpClassifier {

    private SmtpClassifier() {}

    static DeliveryResult classify(MessagingException failure) {
        String reason = describe(failure);
        if (failure instanceof AddressException) {
            return new DeliveryResult.Permanent("invalid address: " + reason);
        }
        if (failure instanceof AuthenticationFailedException) {
            return new DeliveryResult.Retryable("the SMTP server rejected the credentials: " + reason);
        }
        int code = replyCode(failure);
        if (code > 0) {
            return byReplyCode(code, reason);
        }
        return new DeliveryResult.Retryable(reason);
    }

    static DeliveryResult byReplyCode(int code, String reason) {
        if (code >= 500 && code != 552) {
            return new DeliveryResult.Permanent(reason);
        }
        return new DeliveryResult.Retryable(reason);
    }

    private static int replyCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            switch (cause) {
                case SMTPAddressFailedException e -> {
                    return e.getReturnCode();
                }
                case SMTPSenderFailedException e -> {
                    return e.getReturnCode();
                }
                case SMTPSendFailedException e -> {
                    return e.getReturnCode();
                }
                default -> {}
            }
        }
        return -1;
    }

    private static Throwable next(Throwable failure) {
        if (failure instanceof SendFailedException sendFailed && sendFailed.getNextException() != null) {
            return sendFailed.getNextException();
        }
        return failure.getCause() == failure ? null : failure.getCause();
    }

    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null && text.length() < 500; cause = next(cause)) {
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (!text.toString().contains(message.strip())) {
                if (!text.isEmpty()) {
                    text.append(": ");
                }
                text.append(cause instanceof IOException ? cause.getClass().getSimpleName() + " " : "")
                        .append(message.strip());
            }
        }
        return text.toString().replaceAll("\\s+", " ");
    }
}
