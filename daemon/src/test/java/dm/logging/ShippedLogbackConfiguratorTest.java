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
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.Layout;
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
        TimeZone zone = TimeZone.getDefault();
        System.setProperty(ProcessIdentity.PID_PROPERTY, "4242");
        System.setProperty(ProcessIdentity.ROLE_PROPERTY, "slot 3");
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata")); // half an hour off UTC: the offset shows
        try {
            LoggerContext joran = new LoggerContext();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(joran);
            configurator.doConfigure(SHIPPED.toFile());
            LoggerContext ours = new LoggerContext();
            assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY,
                    new ShippedLogbackConfigurator().configure(ours, SHIPPED.toString()));

            assertEquals(describe(joran), describe(ours));
            assertInstanceOf(ShippedLayout.class, layoutOf(ours));
            assertSameLines(layoutOf(joran), layoutOf(ours), ours);
            String line = layoutOf(ours).doLayout(event(ours, Level.INFO, null));
            assertEquals("2023-11-15 03:43:20.123 INFO  dm[4242] slot 3: hello world" + CoreConstants.LINE_SEPARATOR, line);
        } finally {
            restore(ProcessIdentity.PID_PROPERTY, pid);
            restore(ProcessIdentity.ROLE_PROPERTY, role);
            TimeZone.setDefault(zone);
        }
    }

    @Test
    void underTheJournalTheShippedLayoutWritesWhatJournalLayoutMakesOfTheShippedFile() throws Exception {
        String file = Files.readString(SHIPPED);
        LoggerContext context = new LoggerContext();
        JournalLayout logbacks = new JournalLayout(true);
        logbacks.setContext(context);
        logbacks.setPattern(element(file, "pattern").replace("${dm.pid:-?}", "4242").replace("${dm.role:-?}", "slot 3"));
        logbacks.setJournalPattern(element(file, "journalPattern").replace("${dm.pid:-?}", "4242").replace("${dm.role:-?}", "slot 3"));
        logbacks.start();
        ShippedLayout ours = new ShippedLayout(true, "4242", "slot 3");
        ours.setContext(context);
        ours.start();
        assertSameLines(logbacks, ours, context);
        assertTrue(ours.doLayout(event(context, Level.WARN, null)).startsWith("<4>WARN  dm[4242] slot 3: hello world"));
    }

    /** Every level, with and without a stack trace (one with a cause, which logback shortens). */
    private static void assertSameLines(Layout<ILoggingEvent> logbacks, Layout<ILoggingEvent> ours, LoggerContext context) {
        IllegalStateException failure = new IllegalStateException("broken", new java.io.IOException("disk"));
        for (Level level : List.of(Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE)) {
            for (Throwable thrown : new Throwable[] {null, failure}) {
                assertEquals(logbacks.doLayout(event(context, level, thrown)), ours.doLayout(event(context, level, thrown)));
            }
        }
    }

    private static String element(String file, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">").matcher(file);
        assertTrue(m.find(), name + " in " + SHIPPED);
        return m.group(1);
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
        return appender.getName() + " " + console.getTarget() + " started=" + appender.isStarted()
                + " layout started=" + encoder.getLayout().isStarted() + " charset=" + encoder.getCharset()
                + " immediateFlush=" + console.isImmediateFlush();
    }

    private static Layout<ILoggingEvent> layoutOf(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("STDOUT");
        return ((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout();
    }

    private static LoggingEvent event(LoggerContext context, Level level, Throwable thrown) {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("worker"), level, "hello {}", thrown,
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
