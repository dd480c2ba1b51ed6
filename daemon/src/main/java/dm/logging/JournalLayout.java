package dm.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The layout of conf/logback.xml: {@code pattern} as it is, or, when the output goes to the
 * journal ({@link Journal#active}), {@code journalPattern} with each line prefixed by its syslog
 * priority: {@code <3>} error, {@code <4>} warn, {@code <6>} info, {@code <7>} debug and trace.
 * The journal stamps every entry itself, so the journal pattern leaves the timestamp out.
 *
 * <p>Every line of a multi-line event (a stack trace) gets the prefix: journald makes one entry of
 * each line, and a bare line would land at the default priority, info.
 */
public class JournalLayout extends PatternLayout {
    private final boolean journal;
    private String journalPattern;

    public JournalLayout() {
        this(Journal.active());
    }

    JournalLayout(boolean journal) {
        this.journal = journal;
    }

    /** The pattern used under the journal; without one, {@code pattern} serves both. */
    public void setJournalPattern(String journalPattern) {
        this.journalPattern = journalPattern;
    }

    public String getJournalPattern() {
        return journalPattern;
    }

    @Override
    public void start() {
        if (journal && journalPattern != null) {
            setPattern(journalPattern);
        }
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String text = super.doLayout(event);
        return journal ? Journal.prefixLines("<" + Journal.priority(event.getLevel()) + ">", text) : text;
    }
}
