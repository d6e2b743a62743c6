package dev.herald.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-8 text body part, transfer-encoded once, here, with the encoding {@link MimeBodyPart#setText} would choose.
 *
 * <p>Why not {@code setText}: Angus Mail then writes the text twice, once to choose the encoding and once to send it,
 * each time a byte at a time through its text handler's stream wrapper, which has no bulk write. That was a sixth of
 * Herald's CPU when sending email (issue 14). A part made of encoded bytes is written to the connection in one piece.
 */
final class TextPart {

    /** RFC 5322's limit on a line, without its CRLF; a longer line must be encoded. */
    private static final int MAX_LINE = 998;

    private TextPart() {}

    /**
     * @param subtype {@code plain} or {@code html}
     */
    static MimeBodyPart of(String text, String subtype) throws MessagingException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String encoding = transferEncoding(bytes);
        InternetHeaders headers = new InternetHeaders();
        headers.setHeader("Content-Type", "text/" + subtype + "; charset=UTF-8");
        headers.setHeader("Content-Transfer-Encoding", encoding);
        return new MimeBodyPart(headers, encode(bytes, encoding));
    }

    /**
     * Jakarta Mail's rule for text: 7bit when every byte is printable ASCII and no line is too long, quoted-printable
     * when ASCII is the majority, base64 otherwise (quoted-printable would triple mostly non-ASCII text).
     */
    static String transferEncoding(byte[] bytes) {
        int ascii = 0;
        int other = 0;
        int line = 0;
        boolean longLine = false;
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\r' || c == '\n') {
                line = 0;
            } else if (++line > MAX_LINE) {
                longLine = true;
            }
            if (c >= 0x7f || (c < 0x20 && c != '\r' && c != '\n' && c != '\t')) {
                other++;
            } else {
                ascii++;
            }
        }
        if (other == 0) {
            return longLine ? "quoted-printable" : "7bit";
        }
        return other > ascii ? "base64" : "quoted-printable";
    }

    private static byte[] encode(byte[] bytes, String encoding) throws MessagingException {
        if (encoding.equals("7bit")) {
            return bytes;
        }
        ByteArrayOutputStream encoded = new ByteArrayOutputStream(bytes.length + bytes.length / 2);
        try {
            OutputStream encoder = MimeUtility.encode(encoded, encoding);
            encoder.write(bytes);
            // Flushed, not closed, as Jakarta Mail does: closing a base64 encoder would add a line break.
            encoder.flush();
        } catch (IOException e) {
            throw new MessagingException("could not " + encoding + "-encode the body", e);
        }
        return encoded.toByteArray();
    }
}
