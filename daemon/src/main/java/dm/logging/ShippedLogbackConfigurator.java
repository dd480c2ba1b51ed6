package dm.logging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Sets logback up as the shipped conf/logback.xml says, without reading it through Joran, when the
 * file logback was pointed at ({@code logback.configurationFile}) is byte for byte the shipped one:
 * Joran's XML parsing took a worker 30 to 70 ms of its boot (JDK 17), half of its logging setup,
 * and the file's layout is {@link ShippedLayout}, its patterns written out in code. Any other file
 * (the shipped one edited, or one of the user's own) goes to logback's own configurator as before.
 * Found through ServiceLoader (META-INF/services), which logback asks before it reads any file.
 */
public final class ShippedLogbackConfigurator extends ContextAwareBase implements Configurator {
    /** The build's copy of conf/logback.xml inside dm-daemon's jar. */
    static final String SHIPPED = "/dm/logging/logback.xml";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System.getProperty("logback.configurationFile"));
    }

    ExecutionStatus configure(LoggerContext context, String file) {
        if (!isShipped(file)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        setUp(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** What the shipped file says: INFO and up to stdout, net.openhft from WARN. */
    static void setUp(LoggerContext context) {
        ShippedLayout layout = new ShippedLayout(Journal.active(),
                System.getProperty(ProcessIdentity.PID_PROPERTY, "?"), System.getProperty(ProcessIdentity.ROLE_PROPERTY, "?"));
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDOUT");
        appender.setEncoder(encoder);
        appender.start();
        context.getLogger("net.openhft").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
    }

    static boolean isShipped(String file) {
        if (file == null) {
            return false;
        }
        try (InputStream shipped = ShippedLogbackConfigurator.class.getResourceAsStream(SHIPPED)) {
            return shipped != null && Arrays.equals(shipped.readAllBytes(), Files.readAllBytes(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            return false; // unreadable here: logback reads it (and says what is wrong) as before
        }
    }
}
