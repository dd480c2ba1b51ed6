package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.it.kit.Await;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.Exec;
import dm.it.kit.PoolStatus;
import dm.it.kit.Processes;
import dm.it.kit.Repo;

/**
 * The socket held outside the daemon, as dm.socket does: a small Python program binds and listens,
 * then runs bin/dm-daemon with that socket on fd 0, stops it (SIGTERM: wait-down), and starts the
 * next one, several times, while this test keeps clients connecting. Connections that arrive while
 * no daemon runs wait in the accept queue, so not one may fail.
 */
@ExtendWith(DmExtension.class)
class HeldSocketRestartIT {
    private static final int RESTARTS = 3;
    private static final int CLIENTS = 3;

    /**
     * argv: daemon config cycles. Prints the port, then "up N MS" when daemon N answers (MS since it
     * was started) and "gap N MS" for the time between daemon N-1's exit and daemon N answering.
     */
    private static final String HOLDER = """
            import os, signal, socket, subprocess, sys, time
            daemon, config, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3])
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', 0))
            s.listen(128)
            port = s.getsockname()[1]
            print('port', port, flush=True)
            def answers():
                try:
                    with socket.create_connection(('127.0.0.1', port), timeout=30) as c:
                        c.sendall(b'probe\\n')
                        return c.recv(6) == b'probe\\n'
                except OSError:
                    return False
            log = open(config + '.log', 'ab')
            exited = None
            for n in range(cycles):
                started = time.monotonic()
                p = subprocess.Popen([daemon, '-c', config], stdin=s.fileno(), stdout=log, stderr=subprocess.STDOUT)
                print('pid', n, p.pid, flush=True)
                # The probe waits in the queue until the new daemon's workers accept.
                if not answers():
                    print('probe failed', n, flush=True)
                    p.kill(); p.wait(); sys.exit(1)
                now = time.monotonic()
                print('up', n, int((now - started) * 1000), flush=True)
                if exited is not None:
                    print('gap', n, int((now - exited) * 1000), flush=True)
                time.sleep(0.7)  # serve under load for a while
                if n == cycles - 1:
                    break
                p.send_signal(signal.SIGTERM)
                code = p.wait(timeout=60)
                exited = time.monotonic()
                print('exit', n, code, flush=True)
            # The last daemon stops once the clients are done: the test closes our stdin.
            sys.stdin.read()
            p.send_signal(signal.SIGTERM)
            print('exit', cycles - 1, p.wait(timeout=60), flush=True)
            """;

    /** Processes that name it are the test's: the daemons are not children of this JVM. */
    @TempDir
    Path dir;
    private Process holder;

    @BeforeEach
    void setUp(Daemons daemons) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/bin/python3")),
                "needs python3");
        daemons.watch(dir);
        Files.copy(Repo.root().resolve("conf/logback.xml"), dir.resolve("logback.xml"));
    }

    @AfterEach
    void tearDown() {
        if (holder != null) {
            Processes.killTree(holder.toHandle());
        }
        Processes.killAll(Processes.mentioning(dir));
    }

    @Test
    void zeroFailedConnectionsAcrossWholeDaemonRestarts() throws Exception {
        Path config = dir.resolve("server.properties");
        // server.port is ignored: the daemon adopts the socket on fd 0.
        Files.writeString(config, "server.port = 1\nscoreboard.file = run/scoreboard\npool.min = 2\npool.max = 4\n"
                + "shutdown.timeout-ms = 10000\nsupervisor.tick-ms = 100\n");
        Path script = dir.resolve("holder.py");
        Files.writeString(script, HOLDER);
        holder = Repo.processBuilder(List.of("python3", script.toString(), Repo.daemonLauncher(), config.toString(),
                Integer.toString(RESTARTS + 1))).redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true).start();
        BufferedReader holderOut = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8));
        String first = holderOut.readLine();
        assertTrue(first != null && first.startsWith("port "), "holder said: " + first);
        int port = Integer.parseInt(first.substring(5));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicLong slowestMillis = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        Echo.line(port, "client " + client + " call " + i++, 30_000);
                        ok.incrementAndGet();
                        slowestMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }
            }, "client-" + c);
            thread.start();
            clients.add(thread);
        }

        List<String> events = new ArrayList<>();
        int ups = 0;
        long inheritedBacklog = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ups < RESTARTS + 1 && System.nanoTime() < deadline) {
            String line = holderOut.readLine();
            if (line == null) {
                break;
            }
            events.add(line);
            if (line.startsWith("up ")) {
                ups++;
                if (ups == 1) {
                    inheritedBacklog = PoolStatus.parse(Exec.ctl(dir, config, "status").stdout()).backlog();
                }
            }
        }
        running.set(false);
        for (Thread client : clients) {
            client.join(60_000);
        }
        holder.getOutputStream().close(); // let the last daemon go
        String line;
        while ((line = holderOut.readLine()) != null) {
            events.add(line);
        }
        assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "holder did not finish: " + events);
        System.out.printf("[HeldSocketRestartIT] %d daemon runs, %d connections served, %d failed, slowest %d ms; "
                + "holder: %s%n", ups, ok.get(), failures.size(), slowestMillis.get(), events);

        assertEquals(RESTARTS + 1, ups, "every daemon came up: " + events + log());
        assertTrue(failures.isEmpty(), failures.size() + " failed connections, first: " + failures.peek());
        // The socket is the holder's (as systemd's would be): the supervisor asks the kernel for its backlog.
        assertEquals(128, inheritedBacklog, "dm-ctl status: backlog of the inherited socket");
        assertTrue(ok.get() > 0, "no connection was served");
        long cleanExits = events.stream().filter(e -> e.startsWith("exit ") && e.endsWith(" 0")).count();
        assertEquals(RESTARTS + 1, cleanExits, "every daemon exited 0 on SIGTERM: " + events);
        assertEquals(0, holder.exitValue());
        Await.until(Duration.ofSeconds(10), () -> Processes.mentioning(dir).isEmpty(), "no process left");
    }

    @Test
    void aSocketOnFd0ThatIsNotListeningIsRefusedWithExitCode71() throws Exception {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "server.port = 0\nscoreboard.file = run/scoreboard\n");
        String daemon = Repo.daemonLauncher();
        for (String kind : new String[] {"SOCK_DGRAM", "SOCK_STREAM"}) {
            String script = "import socket, subprocess, sys\n"
                    + "s = socket.socket(socket.AF_INET, socket." + kind + ")\n"
                    + "s.bind(('127.0.0.1', 0))\n"
                    + "sys.exit(subprocess.run([sys.argv[1], '-c', sys.argv[2]], stdin=s.fileno()).returncode)\n";
            Exec.Result result = Exec.run(dir, Duration.ofSeconds(60), List.of("python3", "-c", script, daemon,
                    config.toString()));
            assertEquals(ExitCodes.CANNOT_LISTEN, result.exitCode(), kind + ": " + result.output());
            assertEquals("dm-daemon: fd 0 is a socket but not a listening TCP socket", result.output().strip(), kind);
        }
        assertTrue(Processes.mentioning(dir).isEmpty());
        assertTrue(!Files.exists(dir.resolve("run/scoreboard")));
    }

    private String log() {
        try {
            return "\n--- daemon log ---\n" + Files.readString(dir.resolve("server.properties.log"));
        } catch (IOException e) {
            return "";
        }
    }
}
