package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Checks;
import dm.it.kit.ClientProcess;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.HandlerJars;
import dm.it.kit.Ports;

/**
 * The plain interactive client, {@code dm-ctl client HOST PORT}, driven through its standard input: echoes
 * printed as "message from server: LINE"; q or Q alone half-closes and every echo in flight is still
 * printed; a server that closes first ends the client even with its stdin open; no listener: 69.
 */
@ExtendWith(DmExtension.class)
class ClientIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String CLOSED = "connection closed by server";

    @TempDir
    Path dir;

    private static List<String> expectedEchoes(List<String> sent) {
        List<String> expected = new ArrayList<>();
        for (String line : sent) {
            expected.add("message from server: " + line);
        }
        expected.add(CLOSED);
        return expected;
    }

    @Test
    void everyLineIsEchoedAndQHalfClosesAfterEveryEchoInFlight(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of());
        daemon.awaitIdleWorkers(2, TIMEOUT);
        try (ClientProcess client = ClientProcess.start(dir, daemon.port())) {
            client.type("hello\n");
            client.awaitLine("message from server: hello", TIMEOUT);

            // Not q alone on its line: sent like any other line.
            List<String> sent = new ArrayList<>(List.of("hello", "quit", " q", "q ", "qq", "Q!", "héllo wörld €"));
            StringBuilder burst = new StringBuilder();
            for (String line : sent.subList(1, sent.size())) {
                burst.append(line).append('\n');
            }
            for (int i = 0; i < 3000; i++) {
                String line = "line " + i + " " + "x".repeat(i % 50);
                sent.add(line);
                burst.append(line).append('\n');
            }
            burst.append("q\n").append("after q: never sent\n");
            long start = System.nanoTime();
            client.type(burst.toString()); // in one go, and stdin stays open
            int exit = client.awaitExit(TIMEOUT);
            System.out.printf("ClientIT: %d lines then q: exit %d after %d ms%n", sent.size(), exit,
                    (System.nanoTime() - start) / 1_000_000);
            assertEquals(0, exit, () -> "exit code; stderr: " + client.stderr());
            assertEquals(expectedEchoes(sent), client.stdoutLines(), "every echo, in order, then the close");
            assertEquals("", client.stderr());
        }
    }

    @Test
    void upperCaseQAndEndOfInputHalfCloseTheConnection(Daemons daemons) throws Exception {
        // This handler replies only once the client has half-closed: a client that closed its whole
        // socket on q would print nothing.
        Path jar = HandlerJars.testHandlers(dir.resolve("handlers/test-handlers.jar"));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.handler", "dm.it.handlers.EchoAfterEofHandler",
                "worker.classpath", jar.toString()));
        daemon.awaitIdleWorkers(2, TIMEOUT);
        List<String> sent = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            sent.add("held back " + i);
            text.append("held back ").append(i).append('\n');
        }
        try (ClientProcess client = ClientProcess.start(dir, daemon.port())) {
            client.type(text + "Q\n"); // stdin stays open
            assertEquals(0, client.awaitExit(TIMEOUT), () -> "exit code; stderr: " + client.stderr());
            assertEquals(expectedEchoes(sent), client.stdoutLines(), "Q: every reply sent after the half-close is printed");
        }
        try (ClientProcess client = ClientProcess.start(dir, daemon.port())) {
            client.type(text.toString());
            client.closeStdin();
            assertEquals(0, client.awaitExit(TIMEOUT), () -> "exit code; stderr: " + client.stderr());
            assertEquals(expectedEchoes(sent), client.stdoutLines(), "end of input: the same as q");
        }
    }

    @Test
    void serverThatClosesFirstEndsTheClientWhileItsStdinIsOpen(Daemons daemons) throws Exception {
        DaemonUnderTest daemon = daemons.start(dir, Map.of("worker.handler", "dm.handler.LineProtocolHandler"));
        daemon.awaitIdleWorkers(2, TIMEOUT);

        // QUIT: the handler says BYE and closes.
        try (ClientProcess client = ClientProcess.start(dir, daemon.port())) {
            client.type("PING\n");
            client.awaitLine("message from server: PONG", TIMEOUT);
            client.type("QUIT\n");
            assertEquals(0, client.awaitExit(TIMEOUT), () -> "exit code; stderr: " + client.stderr());
            assertEquals(List.of("message from server: PONG", "message from server: BYE", CLOSED), client.stdoutLines());
        }

        // dm-ctl -fdown: the worker is killed, the kernel closes the connection.
        try (ClientProcess client = ClientProcess.start(dir, daemon.port())) {
            client.type("ECHO still here\n");
            client.awaitLine("message from server: still here", TIMEOUT);
            Exec.Result down = Exec.ctl(dir, daemon.config(), "-fdown");
            assertEquals(0, down.exitCode(), () -> "dm-ctl -fdown: " + down);
            assertEquals(0, client.awaitExit(TIMEOUT), () -> "exit code; stderr: " + client.stderr());
            assertEquals(List.of("message from server: still here", CLOSED), client.stdoutLines());
        }
    }

    @Test
    void nobodyListeningIsAOneLineErrorAndExit69() {
        int port = Ports.free();
        try (ClientProcess client = ClientProcess.start(dir, port)) {
            int exit = client.awaitExit(TIMEOUT);
            System.out.println("ClientIT: no listener: exit " + exit + ", stderr: " + client.stderr().strip());
            assertEquals(69, exit, () -> "exit code; stdout: " + client.stdout() + " stderr: " + client.stderr());
            Checks.assertOneLine("stderr", client.stderr());
            assertTrue(client.stderr().startsWith("dm-ctl: cannot connect to 127.0.0.1:" + port + ": "), client.stderr());
            assertEquals("", client.stdout());
        }
    }
}
