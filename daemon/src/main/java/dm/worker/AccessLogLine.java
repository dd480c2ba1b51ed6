package dm.worker;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dm.net.Addresses;

/**
 * Formats one access log line, in the manner of Apache's access log:
 * {@code 127.0.0.1:41234 [02/Dec/2026:10:25:55.123 +0000] slot=0 pid=4242 thread=0 in=64 out=64 us=812 ok}:
 * the client, when the connection was accepted (local time), the worker's slot, process and
 * thread, the bytes read and written through the connection's streams, how long it took from
 * accept to close in microseconds, and how it ended ({@link Outcome}). One per accepting thread:
 * it reuses its buffers, and the date part, which changes once a second.
 */
final class AccessLogLine {
    /** How a connection ended. */
    enum Outcome {
        /** The handler returned. */
        OK,
        /** Nothing arrived for worker.first-byte-timeout-ms or worker.read-timeout-ms. */
        TIMEOUT,
        /** The client reset the connection. */
        RESET,
        /** The handler threw (the worker's log has the warning). */
        FAILED;

        final String word = name().toLowerCase(Locale.ROOT);
    }

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xx", Locale.ROOT);

    private final ZoneId zone;
    private final String worker;
    private final StringBuilder text = new StringBuilder(160);
    private byte[] bytes = new byte[160];
    private long cachedSecond = Long.MIN_VALUE;
    private String cachedDate = "";
    private String cachedOffset = "";

    /** @param slot the worker's slot, {@code pid} its process, {@code thread} this accepting thread's index */
    AccessLogLine(ZoneId zone, int slot, long pid, int thread) {
        this.zone = zone;
        this.worker = "] slot=" + slot + " pid=" + pid + " thread=" + thread + " in=";
    }

    /** The line, newline included, in a buffer this object reuses: valid until the next call. */
    byte[] format(InetSocketAddress client, long acceptedEpochMillis, long bytesIn, long bytesOut, long micros,
            Outcome outcome) {
        text.setLength(0);
        text.append(client == null ? "-" : Addresses.format(client)).append(" [");
        appendTime(acceptedEpochMillis);
        text.append(worker).append(bytesIn).append(" out=").append(bytesOut).append(" us=").append(micros).append(' ')
                .append(outcome.word).append('\n');
        return ascii();
    }

    /** How many bytes of {@link #format}'s buffer the line has. */
    int length() {
        return text.length();
    }

    private void appendTime(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            ZonedDateTime time = Instant.ofEpochSecond(second).atZone(zone);
            cachedDate = SECOND.format(time);
            cachedOffset = " " + OFFSET.format(time);
            cachedSecond = second;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        text.append(cachedDate).append('.');
        if (millis < 100) {
            text.append('0');
        }
        if (millis < 10) {
            text.append('0');
        }
        text.append(millis).append(cachedOffset);
    }

    /** The text as bytes; anything not ASCII (it can only come from an address's scope name) as '?'. */
    private byte[] ascii() {
        int length = text.length();
        if (bytes.length < length) {
            bytes = new byte[Math.max(length, 2 * bytes.length)];
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            bytes[i] = c < 128 ? (byte) c : (byte) '?';
        }
        return bytes;
    }
}
