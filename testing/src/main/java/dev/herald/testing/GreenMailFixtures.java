package dev.herald.testing;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;

/** GreenMail, the real mail server for plain SMTP and implicit-TLS SMTPS, on free ports. */
public final class GreenMailFixtures {

    private GreenMailFixtures() {}

    /** SMTP and SMTPS, started once for the test class (register as a static field). */
    public static GreenMailExtension smtpAndSmtps() {
        return new GreenMailExtension(
                        new ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
                .withPerMethodLifecycle(false);
    }
}
