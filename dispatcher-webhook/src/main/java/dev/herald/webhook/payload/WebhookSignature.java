package dev.herald.webhook.payload;

import dev.herald.config.Secret;
import dev.herald.config.WebhookConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing: {@code v1,base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>"))} for each secret,
 * space-separated, so that receivers can rotate secrets without a gap.
 */
public final class WebhookSignature {

    private WebhookSignature() {}

    /** The value of the {@code webhook-signature} header. */
    public static String sign(List<Secret> secrets, String messageId, long timestampSeconds, byte[] body) {
        byte[] content = concat((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8), body);
        return secrets.stream()
                .map(secret -> "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), content)))
                .collect(Collectors.joining(" "));
    }

    private static byte[] key(Secret secret) {
        return Base64.getDecoder().decode(secret.reveal().substring(WebhookConfig.SECRET_PREFIX.length()));
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
