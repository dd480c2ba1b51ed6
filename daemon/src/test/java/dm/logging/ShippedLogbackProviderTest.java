package dm.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

class ShippedLogbackProviderTest {
    private static final Path SHIPPED = Path.of("..", "conf", "logback.xml");
    private final String configured = System.getProperty("logback.configurationFile");

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        if (configured == null) {
            System.clearProperty("logback.configurationFile");
        } else {
            System.setProperty("logback.configurationFile", configured);
        }
    }

    @Test
    void theShippedFileIsSetUpWithoutLogbacksSearch() {
        System.setProperty("logback.configurationFile", SHIPPED.toString());
        LoggerContext context = started();
        assertEquals(Level.INFO, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.WARN, context.getLogger("net.openhft").getLevel());
        assertInstanceOf(ShippedLayout.class, layoutOf(context));
    }

    @Test
    void anyOtherFileIsLogbacksToRead() throws Exception {
        Path edited = dir.resolve("logback.xml");
        Files.writeString(edited, Files.readString(SHIPPED).replace("<root level=\"INFO\">", "<root level=\"DEBUG\">"));
        System.setProperty("logback.configurationFile", edited.toString());
        LoggerContext context = started();
        assertEquals(Level.DEBUG, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertInstanceOf(PatternLayout.class, layoutOf(context)); // JournalLayout, as Joran made it
    }

    private static LoggerContext started() {
        ShippedLogbackProvider provider = new ShippedLogbackProvider();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        assertEquals("default", context.getName());
        return context;
    }

    private static Object layoutOf(LoggerContext context) {
        ConsoleAppender<?> console = (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
        return ((LayoutWrappingEncoder<?>) console.getEncoder()).getLayout();
    }
}
