package dm.logging;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

/**
 * The two patterns of the shipped conf/logback.xml written out in code, line for line what
 * {@link JournalLayout} makes of them: {@code %d{yyyy-MM-dd HH:mm:ss.SSS} %-5level dm[PID] ROLE: %msg%n},
 * or under the journal {@code <PRIORITY>%-5level dm[PID] ROLE: %msg%n} on every line; a stack trace
 * as logback writes it. logback's PatternLayout took a worker about 15 ms of its boot to set up
 * (its table of some 80 converters) and its date formatter 10 more.
 */
final class ShippedLayout extends LayoutBase<ILoggingEvent> {
    private final boolean journal;
    private final String identity;
    // Both made when first needed, by whichever thread logs first (logback lays out outside its lock).
    private volatile TimeZone zone;
    private ThrowableProxyConverter stackTraces;

    /** {@code pid} and {@code role} as they appear in {@code dm[PID] ROLE:}. */
    ShippedLayout(boolean journal, String pid, String role) {
        this.journal = journal;
        this.identity = " dm[" + pid + "] " + role + ": ";
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        String priority = journal ? "<" + Journal.priority(event.getLevel()) + ">" : "";
        line.append(priority);
        if (!journal) {
            appendTimestamp(line, event.getTimeStamp());
            line.append(' ');
        }
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(identity).append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            String trace = stackTraces().convert(event);
            line.append(journal ? Journal.prefixLines(priority, trace) : trace);
        }
        return line.toString();
    }

    /**
     * yyyy-MM-dd HH:mm:ss.SSS in the JVM's time zone, as logback's %d writes it. The offset comes
     * from java.util.TimeZone, which the JVM reads anyway; java.time's ZoneId would read the time
     * zone database a second time (about 4 ms of a worker's boot).
     */
    private void appendTimestamp(StringBuilder line, long millis) {
        if (zone == null) {
            zone = TimeZone.getDefault();
        }
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(zone.getOffset(millis) / 1000);
        int nanos = (int) Math.floorMod(millis, 1000) * 1_000_000;
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), nanos, offset);
        digits(line, t.getYear(), 4).append('-');
        digits(line, t.getMonthValue(), 2).append('-');
        digits(line, t.getDayOfMonth(), 2).append(' ');
        digits(line, t.getHour(), 2).append(':');
        digits(line, t.getMinute(), 2).append(':');
        digits(line, t.getSecond(), 2).append('.');
        digits(line, t.getNano() / 1_000_000, 3);
    }

    private static StringBuilder digits(StringBuilder line, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(text);
    }

    /** logback's own, made at the first stack trace: most processes never write one. */
    private synchronized ThrowableProxyConverter stackTraces() {
        if (stackTraces == null) {
            ThrowableProxyConverter converter = new ThrowableProxyConverter();
            converter.setContext(getContext());
            converter.start();
            stackTraces = converter;
        }
        return stackTraces;
    }
}
