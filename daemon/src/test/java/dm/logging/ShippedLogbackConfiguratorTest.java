package dm.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

class ShippedLogbackConfiguratorTest {
    private static final Path SHIPPED = Path.of("..", "conf", "logback.xml");

    @TempDir
    Path dir;

    @Test
    void theJarCarriesTheShippedFileAsItIs() throws Exception {
        try (InputStream copy = ShippedLogbackConfigurator.class.getResourceAsStream(ShippedLogbackConfigurator.SHIPPED)) {
            assertEquals(Files.readString(SHIPPED), new String(copy.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void theShippedFileGivesWhatJoranMakesOfIt() throws Exception {
        String pid = System.getProperty(ProcessIdentity.PID_PROPERTY);
        String role = System.getProperty(ProcessIdentity.ROLE_PROPERTY);
        System.setProperty(ProcessIdentity.PID_PROPERTY, "4242");
        System.setProperty(ProcessIdentity.ROLE_PROPERTY, "slot 3");
        try {
            LoggerContext joran = new LoggerContext();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(joran);
            configurator.doConfigure(SHIPPED.toFile());
            LoggerContext ours = new LoggerContext();
            assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY,
                    new ShippedLogbackConfigurator().configure(ours, SHIPPED.toString()));

            assertEquals(describe(joran), describe(ours));
            for (Level level : List.of(Level.ERROR, Level.WARN, Level.INFO)) {
                assertEquals(layoutOf(joran).doLayout(event(joran, level)), layoutOf(ours).doLayout(event(ours, level)));
            }
            assertTrue(layoutOf(ours).doLayout(event(ours, Level.INFO)).contains(" INFO  dm[4242] slot 3: hello"));
        } finally {
            restore(ProcessIdentity.PID_PROPERTY, pid);
            restore(ProcessIdentity.ROLE_PROPERTY, role);
        }
    }

    @Test
    void anEditedFileIsLeftToLogback() throws Exception {
        Path edited = dir.resolve("logback.xml");
        Files.writeString(edited, Files.readString(SHIPPED).replace("level=\"INFO\"", "level=\"DEBUG\""));
        LoggerContext context = new LoggerContext();
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new ShippedLogbackConfigurator().configure(context, edited.toString()));
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY,
                new ShippedLogbackConfigurator().configure(context, dir.resolve("missing.xml").toString()));
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new ShippedLogbackConfigurator().configure(context, null));
        assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    }

    private static List<String> describe(LoggerContext context) {
        List<String> lines = new ArrayList<>();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null || logger.iteratorForAppenders().hasNext()) {
                lines.add(logger.getName() + " " + logger.getLevel() + " additive=" + logger.isAdditive());
            }
            logger.iteratorForAppenders().forEachRemaining(appender -> lines.add("  " + describe(appender)));
        }
        return lines;
    }

    private static String describe(Appender<ILoggingEvent> appender) {
        ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, appender);
        LayoutWrappingEncoder<ILoggingEvent> encoder = assertInstanceOf(LayoutWrappingEncoder.class, console.getEncoder());
        JournalLayout layout = assertInstanceOf(JournalLayout.class, encoder.getLayout());
        return appender.getName() + " " + console.getTarget() + " started=" + appender.isStarted() + " " + layout.getPattern()
                + " | " + layout.getJournalPattern() + " started=" + layout.isStarted() + " charset=" + encoder.getCharset()
                + " immediateFlush=" + console.isImmediateFlush();
    }

    private static JournalLayout layoutOf(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("STDOUT");
        return (JournalLayout) ((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout();
    }

    private static LoggingEvent event(LoggerContext context, Level level) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("worker"), level, "hello {}", null,
                new Object[] {"world"});
        event.setTimeStamp(1_700_000_000_123L);
        return event;
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
