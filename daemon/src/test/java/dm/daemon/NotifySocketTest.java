package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's transport and environment: real AF_UNIX datagram sockets, bound by the test, read back. */
class NotifySocketTest {
    @TempDir
    Path directory;

    @Test
    void sendsOneDatagramToASocketNamedByAPath() throws Exception {
        String path = directory.resolve("notify").toString();
        try (FakeNotifySocket systemd = new FakeNotifySocket(path); NotifySocket socket = NotifySocket.open(path)) {
            socket.send("READY=1\nSTATUS=serving\n");
            socket.send("WATCHDOG=1\n");
            assertEquals(List.of("READY=1\nSTATUS=serving\n", "WATCHDOG=1\n"), systemd.drain());
        }
    }

    @Test
    void anAddressStartingWithAtIsAnAbstractName() throws Exception {
        String name = "@dm-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (FakeNotifySocket systemd = new FakeNotifySocket(name); NotifySocket socket = NotifySocket.open(name)) {
            socket.send("READY=1\n");
            assertEquals(List.of("READY=1\n"), systemd.drain());
        }
    }

    @Test
    void encodesPathsWithTheirNulAndAbstractNamesWithout() throws Exception {
        byte[] sockaddr = new byte[110];
        assertEquals(2 + "/run/x".length() + 1, NotifySocket.encode("/run/x", sockaddr));
        assertEquals('/', sockaddr[2]);
        byte[] abstractAddress = new byte[110];
        assertEquals(2 + "@sd".length(), NotifySocket.encode("@sd", abstractAddress));
        assertEquals(0, abstractAddress[2], "the '@' is sent as the abstract namespace's leading NUL");
        assertEquals('s', abstractAddress[3]);
    }

    @Test
    void refusesAddressesThatAreNeitherPathsNorAbstractNames() {
        IOException relative = assertThrows(IOException.class, () -> NotifySocket.open("run/notify"));
        assertEquals("NOTIFY_SOCKET run/notify is neither an absolute path nor an abstract name (@...)",
                relative.getMessage());
        IOException tooLong = assertThrows(IOException.class, () -> NotifySocket.open("/" + "x".repeat(107)));
        assertTrue(tooLong.getMessage().endsWith("is longer than 107 bytes"), tooLong.getMessage());
    }

    @Test
    void aSocketNobodyListensOnFailsTheSendNotTheCaller() throws Exception {
        try (NotifySocket socket = NotifySocket.open(directory.resolve("gone").toString())) {
            IOException e = assertThrows(IOException.class, () -> socket.send("READY=1\n"));
            assertTrue(e.getMessage().startsWith("cannot notify systemd on "), e.getMessage());
        }
    }

    @Test
    void withoutNotifySocketNothingIsNotified() {
        assertEquals(ServiceNotifier.NONE, ServiceNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), 1,
                Clock.SYSTEM));
        assertEquals(ServiceNotifier.NONE, ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", ""), 1, Clock.SYSTEM));
        assertEquals(ServiceNotifier.NONE, ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:9"), 1,
                Clock.SYSTEM), "an address it cannot use: a warning, then as without systemd");
    }

    @Test
    void watchdogPingsAtHalfOfWatchdogUsecForTheMainProcessOnly() {
        assertEquals(TimeUnit.SECONDS.toNanos(15), ServiceNotifier.watchdogIntervalNanos(Map.of("WATCHDOG_USEC",
                "30000000"), 42));
        assertEquals(TimeUnit.SECONDS.toNanos(15), ServiceNotifier.watchdogIntervalNanos(Map.of("WATCHDOG_USEC",
                "30000000", "WATCHDOG_PID", "42"), 42));
        assertEquals(0, ServiceNotifier.watchdogIntervalNanos(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"),
                42), "the pings are asked of another process");
        assertEquals(0, ServiceNotifier.watchdogIntervalNanos(Map.of(), 42));
        assertEquals(0, ServiceNotifier.watchdogIntervalNanos(Map.of("WATCHDOG_USEC", "soon"), 42));
    }
}
