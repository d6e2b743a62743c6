package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a client sends cannot forge a log line: line breaks in a message are written as \r and \n. */
class LogLineTest {

    @Test
    void aMessageWithLineBreaksStaysOneLine() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogLineTest.class.getResource("/logback.xml"));
        Logger logger = context.getLogger("dev.herald.server.api.ApiServer");
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>)
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");

        byte[] line = console.getEncoder()
                .encode(new LoggingEvent(
                        LogLineTest.class.getName(),
                        logger,
                        Level.WARN,
                        "POST {} carried a value PostgreSQL cannot store",
                        null,
                        new Object[] {"/login\r\n2026-11-30 INFO forged line"}));
        context.stop();

        String output = new String(line, StandardCharsets.UTF_8);
        assertThat(output.lines()).hasSize(1);
        assertThat(output).contains("/login\\r\\n2026-11-30 INFO forged line carried a value");
    }
}
