package dm.worker;

import java.io.IOException;

/**
 * Tells a connection the client reset (RST, or gone so abruptly that a write hits a broken pipe)
 * from a handler that failed: the first is the client's business, counted and logged at DEBUG;
 * only the second is worth a warning.
 */
final class ClientReset {
    /** How deep a handler may have wrapped the I/O error (UncheckedIOException, its own exceptions). */
    private static final int MAX_CAUSES = 8;

    private ClientReset() {
    }

    static boolean causedBy(Throwable failure) {
        Throwable e = failure;
        for (int depth = 0; e != null && depth < MAX_CAUSES; depth++, e = e.getCause()) {
            if (e instanceof IOException && isResetMessage(e.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JDK's words for ECONNRESET on a read ("Connection reset"), on a write ("Connection reset
     * by peer") and for EPIPE ("Broken pipe"); it has no exception type of its own for them.
     */
    private static boolean isResetMessage(String message) {
        return message != null && (message.startsWith("Connection reset") || message.equals("Broken pipe"));
    }
}
