package dev.herald.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A pre-encoded text part is, byte for byte, the part Jakarta Mail's own {@code setText} writes. */
class TextPartTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Workspace deleted\n\nYour workspace dev was deleted by ada.\n",
                "tabs\tand CRLF\r\nline endings\r\n",
                "Grüße, Zoë: mostly ASCII with a few accents, so quoted-printable\n",
                "ワークスペースが削除されました。ほとんどASCIIではありません。",
                "ab\u00e9\u00e9", // as many non-ASCII bytes as ASCII ones: the tie between quoted-printable and base64
                "a bell \u0007 and a delete \u007f are not printable",
                "= at the end of a line =\nand trailing spaces   \n",
                "<p>html with a &nbsp; and an <a href=\"https://example.com/?a=1&b=2\">=link</a></p>"
            })
    void matchesSetText(String text) throws Exception {
        for (String subtype : new String[] {"plain", "html"}) {
            MimeBodyPart expected = new MimeBodyPart();
            expected.setText(text, StandardCharsets.UTF_8.name(), subtype);

            assertThat(written(TextPart.of(text, subtype)))
                    .as("text/%s of %s", subtype, text)
                    .isEqualTo(written(expected));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {998, 999, 5000})
    void aLineLongerThanRfc5322AllowsIsEncodedAsSetTextWould(int length) throws Exception {
        String text = "x".repeat(length) + "\nshort line\n";
        MimeBodyPart expected = new MimeBodyPart();
        expected.setText(text, StandardCharsets.UTF_8.name(), "plain");

        assertThat(written(TextPart.of(text, "plain"))).isEqualTo(written(expected));
        assertThat(TextPart.transferEncoding(text.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(length > 998 ? "quoted-printable" : "7bit");
    }

    /** The part as it goes on the wire, after the header updates a message's {@code saveChanges} makes. */
    private static String written(MimeBodyPart part) throws Exception {
        MimeMultipart multipart = new MimeMultipart("alternative", part);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setContent(multipart);
        message.saveChanges();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        part.writeTo(raw);
        return raw.toString(StandardCharsets.ISO_8859_1);
    }
}
