package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dm.net.HostAndPort;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.WorkerState;

/** The endpoint on a real socket, answering from a real scoreboard whose slots the test sets. */
class AgentEndpointTest {
    @TempDir
    Path directory;
    private Scoreboard scoreboard;
    private AgentEndpoint endpoint;

    @BeforeEach
    void open() throws Exception {
        scoreboard = Scoreboard.create(directory.resolve("scoreboard"), 4);
        endpoint = AgentEndpoint.open(new HostAndPort("127.0.0.1", 0), scoreboard);
    }

    @AfterEach
    void close() {
        endpoint.close();
        scoreboard.delete();
    }

    @Test
    void weighsTheHostByTheShareOfItsCapacityThatIsNotBusy() throws Exception {
        assertEquals("maint", check(), "no worker accepts yet");
        scoreboard.slot(0).setState(WorkerState.STARTING);
        assertEquals("maint", check(), "a worker that boots does not accept yet");
        accepting(1);
        assertEquals("up ready 100%", check());
        scoreboard.slot(1).thread(0).beginConnection(new InetSocketAddress("127.0.0.1", 40000), 0);
        assertEquals("up ready 75%", check(), "1 of pool.max 4 busy");
        for (int slot = 0; slot < 4; slot++) {
            scoreboard.slot(slot).setState(WorkerState.BUSY);
        }
        assertEquals("up ready 1%", check(), "all busy: still up, the accept queue holds the next ones");
    }

    @Test
    void saysDrainFromTheMomentAStopIsAskedForUntilTheEnd() throws Exception {
        accepting(0);
        assertEquals("up ready 100%", check());
        long command = scoreboard.control().submit(ParentStatus.WAIT_DOWN);
        assertEquals("drain", check(), "dm-ctl -wdown written, not yet taken up");
        scoreboard.control().acknowledge(command);
        scoreboard.control().setStatus(ParentStatus.WAIT_DOWN);
        assertEquals("drain", check());
        scoreboard.control().setStatus(ParentStatus.FORCE_DOWN);
        assertEquals("drain", check());
        scoreboard.control().setStatus(ParentStatus.STOPPED);
        assertEquals("drain", check());
    }

    @Test
    void aRestartIsNoStop() throws Exception {
        accepting(0);
        scoreboard.control().submit(ParentStatus.CHILD_RESTART);
        assertEquals("up ready 100%", check());
    }

    @Test
    void answersAnHttpGetForReadinessProbes() throws Exception {
        String maint = http("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(maint.startsWith("HTTP/1.0 503 Service Unavailable\r\n"), maint);
        assertTrue(maint.endsWith("\r\n\r\nmaint\n"), maint);
        accepting(2);
        String up = http("GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kube-probe/1.30\r\n\r\n");
        assertTrue(up.startsWith("HTTP/1.0 200 OK\r\n"), up);
        assertTrue(up.contains("Content-Length: 14\r\n") && up.endsWith("\r\n\r\nup ready 100%\n"), up);
        String head = http("HEAD / HTTP/1.1\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.0 200 OK\r\n") && head.endsWith("\r\n\r\n"), head);
        scoreboard.control().setStatus(ParentStatus.WAIT_DOWN);
        assertTrue(http("GET / HTTP/1.0\r\n\r\n").startsWith("HTTP/1.0 503 "));
    }

    @Test
    void anAgentSendStringGetsTheAgentLine() throws Exception {
        accepting(0);
        assertEquals("up ready 100%\n", exchange("dm\n"));
    }

    @Test
    void atMostAFewChecksAtOnceTheRestAreClosedUnanswered() throws Exception {
        accepting(0);
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < AgentEndpoint.MAX_CONCURRENT_CHECKS; i++) {
                Socket socket = connect();
                assertEquals("up ready 100%", readLine(socket.getInputStream()), "check " + i);
                holders.add(socket); // answered, but not closed: its check thread reads on until its deadline
            }
            try (Socket extra = connect()) {
                assertEquals(-1, extra.getInputStream().read(), "no thread free: closed without an answer");
            }
        } finally {
            for (Socket socket : holders) {
                socket.close();
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        String answer;
        while (!(answer = check()).equals("up ready 100%")) {
            assertTrue(System.nanoTime() < deadline, "checks are answered again once the holders closed: " + answer);
            Thread.sleep(20);
        }
    }

    @Test
    void afterCloseNothingListens() throws Exception {
        endpoint.close();
        assertThrows(ConnectException.class, this::connect);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", endpoint.port()), 2_000);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** As HAProxy does it: connect, read one line, close. */
    private String check() throws IOException {
        try (Socket socket = connect()) {
            return readLine(socket.getInputStream());
        }
    }

    private String http(String request) throws IOException {
        return exchange(request);
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    /** A worker whose thread blocks in accept(), as a real one writes it. */
    private void accepting(int slot) {
        scoreboard.slot(slot).thread(0).setState(WorkerState.IDLE);
        scoreboard.slot(slot).setState(WorkerState.IDLE);
    }
}
