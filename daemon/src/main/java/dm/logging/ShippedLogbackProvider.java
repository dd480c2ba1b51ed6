package dm.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter;

/**
 * slf4j's provider in the workers ({@code -Dslf4j.provider}): logback's own, except that with the
 * shipped conf/logback.xml it sets logback up at once ({@link ShippedLogbackConfigurator#setUp}).
 * logback's start would first compare the versions in its jars' manifests and look for
 * configurators in every jar of the class path (ServiceLoader), then build a date formatter for
 * its status messages: about 25 ms of a worker's boot, spent to find what we already know.
 * With any other file, logback starts as it always does.
 */
public final class ShippedLogbackProvider extends LogbackServiceProvider {
    @Override
    public void initialize() {
        if (!ShippedLogbackConfigurator.isShipped(System.getProperty("logback.configurationFile"))) {
            super.initialize();
            return;
        }
        LoggerContext context = (LoggerContext) getLoggerFactory();
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(getMDCAdapter());
        ShippedLogbackConfigurator.setUp(context);
        // As logback does at its start: its own messages are shown only when one is a warning or an error.
        if (new StatusUtil(context).getHighestLevel(0) >= Status.WARN) {
            StatusPrinter.print(context);
        }
        context.start();
    }
}
