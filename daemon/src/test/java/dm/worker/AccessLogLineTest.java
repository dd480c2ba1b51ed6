package dm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class AccessLogLineTest {
    private final AccessLogLine line = new AccessLogLine(ZoneId.of("UTC"), 3, 4242, 1);
    private static final long NOON = ZonedDateTime.of(2026, 12, 2, 12, 0, 5, 0, ZoneId.of("UTC")).toInstant().toEpochMilli();

    private String format(InetSocketAddress client, long millis, AccessLogLine.Outcome outcome) {
        byte[] bytes = line.format(client, millis, 64, 128, 812, outcome);
        return new String(bytes, 0, line.length(), StandardCharsets.US_ASCII);
    }

    @Test
    void namesClientTimeWorkerBytesDurationAndOutcome() {
        assertEquals("127.0.0.1:41234 [02/Dec/2026:12:00:05.007 +0000] slot=3 pid=4242 thread=1 in=64 out=128 us=812 ok\n",
                format(new InetSocketAddress("127.0.0.1", 41234), NOON + 7, AccessLogLine.Outcome.OK));
    }

    @Test
    void theSecondChangesAndTheZoneOffsetIsShown() {
        AccessLogLine berlin = new AccessLogLine(ZoneId.of("Europe/Berlin"), 0, 1, 0);
        byte[] first = berlin.format(new InetSocketAddress("::1", 7), NOON + 999, 0, 0, 1, AccessLogLine.Outcome.TIMEOUT);
        assertEquals("[0:0:0:0:0:0:0:1]:7 [02/Dec/2026:13:00:05.999 +0100] slot=0 pid=1 thread=0 in=0 out=0 us=1 timeout\n",
                new String(first, 0, berlin.length(), StandardCharsets.US_ASCII));
        byte[] next = berlin.format(new InetSocketAddress("::1", 7), NOON + 1000, 0, 0, 1, AccessLogLine.Outcome.RESET);
        assertEquals("[0:0:0:0:0:0:0:1]:7 [02/Dec/2026:13:00:06.000 +0100] slot=0 pid=1 thread=0 in=0 out=0 us=1 reset\n",
                new String(next, 0, berlin.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void aConnectionWhoseClientIsUnknownStillGetsItsLine() {
        assertEquals("- [02/Dec/2026:12:00:05.000 +0000] slot=3 pid=4242 thread=1 in=64 out=128 us=812 failed\n",
                format(null, NOON, AccessLogLine.Outcome.FAILED));
    }
}
