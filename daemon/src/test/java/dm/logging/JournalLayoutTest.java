package dm.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;

class JournalLayoutTest {
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level dm[42] supervisor: %msg%n";
    private static final String JOURNAL_PATTERN = "%-5level dm[42] supervisor: %msg%n";

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("dm.test");

    private JournalLayout layout(boolean journal) {
        JournalLayout layout = new JournalLayout(journal);
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.setJournalPattern(JOURNAL_PATTERN);
        layout.start();
        return layout;
    }

    private LoggingEvent event(Level level, String message, Throwable thrown) {
        return new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, null);
    }

    @Test
    void underTheJournalEachLineStartsWithItsPriorityAndHasNoTimestamp() {
        JournalLayout layout = layout(true);
        assertEquals("<3>ERROR dm[42] supervisor: down\n", layout.doLayout(event(Level.ERROR, "down", null)));
        assertEquals("<4>WARN  dm[42] supervisor: slow\n", layout.doLayout(event(Level.WARN, "slow", null)));
        assertEquals("<6>INFO  dm[42] supervisor: up\n", layout.doLayout(event(Level.INFO, "up", null)));
        assertEquals("<7>DEBUG dm[42] supervisor: tick\n", layout.doLayout(event(Level.DEBUG, "tick", null)));
        assertEquals("<7>TRACE dm[42] supervisor: tock\n", layout.doLayout(event(Level.TRACE, "tock", null)));
    }

    @Test
    void everyLineOfAStackTraceKeepsThePriority() {
        String text = layout(true).doLayout(event(Level.ERROR, "supervisor failed", new IllegalStateException("broken")));
        List<String> lines = text.lines().toList();
        assertTrue(lines.size() > 2, text);
        assertEquals("<3>ERROR dm[42] supervisor: supervisor failed", lines.get(0));
        assertEquals("<3>java.lang.IllegalStateException: broken", lines.get(1));
        assertTrue(lines.stream().allMatch(l -> l.startsWith("<3>")), text);
        assertTrue(text.endsWith("\n") && !text.endsWith("<3>"), "no prefix after the last line break: " + text);
    }

    @Test
    void elsewhereTheFormatIsUnchanged() {
        String line = layout(false).doLayout(event(Level.WARN, "slow", null));
        assertTrue(line.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} WARN  dm\\[42\\] supervisor: slow\n"), line);
        assertFalse(line.startsWith("<"), line);
    }

    @Test
    void withoutAJournalPatternTheOneGivenServesBoth() {
        JournalLayout layout = new JournalLayout(true);
        layout.setContext(context);
        layout.setPattern("%level %msg%n");
        layout.start();
        assertEquals("<4>WARN x\n", layout.doLayout(event(Level.WARN, "x", null)));
    }

    @Test
    void theVariableMustHaveAValue() {
        assertTrue(Journal.active("8:12345"));
        assertFalse(Journal.active(null));
        assertFalse(Journal.active(""));
    }

    @Test
    void prefixingLeavesNoPrefixDangling() {
        assertEquals("<6>a\n<6>b\n", Journal.prefixLines("<6>", "a\nb\n"));
        assertEquals("<6>a\n<6>b", Journal.prefixLines("<6>", "a\nb"));
        assertEquals("", Journal.prefixLines("<6>", ""));
    }
}
