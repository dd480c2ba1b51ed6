package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

import dm.it.kit.Await;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.Ports;
import dm.it.kit.Processes;
import dm.it.kit.Repo;

/**
 * Three dm hosts behind HAProxy, all on loopback: dm on 127.0.0.2, 127.0.0.3 and 127.0.0.4 (same
 * port, each with its own configuration and scoreboard), Debian's HAProxy on 127.0.0.1 in TCP mode
 * running examples/haproxy/haproxy.cfg (addresses and ports changed) with agent-check on each
 * server. Under continuous client load through HAProxy:
 * <ol>
 * <li>a rolling dm-ctl -restart of the three, one after the other, fails no connection;</li>
 * <li>dm-ctl -wdown of one fails no connection: its agent endpoint says drain, HAProxy sends it
 *     nothing new, then it stops; the other two carry the load; started again it comes back;</li>
 * <li>kill -9 of one supervisor costs only connections that host had: HAProxy's health check asks the
 *     supervisor's agent endpoint, so it stops sending the host new ones within its checks (fall x
 *     inter) even while orphaned workers still hold the port; started again the host comes back.</li>
 * </ol>
 * Root only, like the service tests; needs /usr/sbin/haproxy (.ci/install-service-deps).
 */
@Isolated("HAProxy and fixed addresses")
@ExtendWith(DmExtension.class)
class BalancedHostsIT {
    private static final String[] ADDRESSES = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
    private static final String BACKEND = "dm_hosts";
    private static final int LOAD_THREADS = 4;
    private static final int HELD_PER_HOST = 2;
    /** The example's health check: inter 1s, fall 2. */
    private static final long CHECK_INTERVAL_MILLIS = 1_000;
    private static final int FALL = 2;
    /** HAProxy's and this test's scheduling on a busy machine, and the polling of the stats socket. */
    private static final long SLACK_MILLIS = 500;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final List<HostInstance> generations = new ArrayList<>();
    private final List<String> report = new ArrayList<>();
    private final Map<String, Path> configs = new LinkedHashMap<>();
    private Haproxy haproxy;
    /** The port every host's dm listens on, each on its own address. */
    private int dmPort;
    private BalancedLoad load;
    private InetSocketAddress frontend;

    @BeforeEach
    void requirements() {
        assumeTrue(Processes.thisJvmIsRoot(), "needs root, like the other service tests");
        assumeTrue(Files.isExecutable(Haproxy.BINARY), "needs " + Haproxy.BINARY + " (apt-get install haproxy)");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (load != null) {
            load.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        for (HostInstance instance : generations) {
            instance.close();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // four daemon starts, three restarts, a drain: minutes on a busy machine
    void rollingRestartWaitDownAndKillOfOneHostBehindHaproxy(Daemons daemons) throws Exception {
        dmPort = portFreeOnEveryAddress();
        int agentPort = portFreeOnEveryAddress();
        int frontendPort = Ports.free();
        frontend = new InetSocketAddress("127.0.0.1", frontendPort);
        for (int i = 0; i < ADDRESSES.length; i++) {
            configs.put(name(i), writeHostConfig(i, dmPort, agentPort));
            daemons.watch(configs.get(name(i)).getParent()); // its orphans are found by their directory
        }
        try {
            List<CompletableFuture<HostInstance>> starting = new ArrayList<>();
            for (int i = 0; i < ADDRESSES.length; i++) {
                int host = i;
                starting.add(CompletableFuture.supplyAsync(() -> HostInstance.start(name(host), ADDRESSES[host],
                        configs.get(name(host)), 1)));
            }
            HostInstance[] current = new HostInstance[ADDRESSES.length];
            RuntimeException failedStart = null;
            for (int i = 0; i < ADDRESSES.length; i++) {
                try {
                    current[i] = starting.get(i).join();
                    generations.add(current[i]); // closed after the test
                } catch (java.util.concurrent.CompletionException e) {
                    failedStart = failedStart != null ? failedStart : e;
                }
            }
            if (failedStart != null) {
                throw failedStart;
            }
            Path statsSocket = dir.resolve("haproxy.sock");
            haproxy = Haproxy.start(dir, haproxyConfig(frontendPort, dmPort, agentPort, statsSocket), statsSocket, BACKEND);
            report.add("HAProxy: " + Haproxy.version());
            awaitInRotation(List.of(name(0), name(1), name(2)));

            load = new BalancedLoad(frontend, LOAD_THREADS);
            long warmUp = System.currentTimeMillis();
            awaitServedBy(List.of(current), warmUp, 20);
            step("warm-up", warmUp, System.currentTimeMillis());

            rollingRestart(current);
            current[1] = waitDownThenStartAgain(current[1]);
            current[2] = killThenStartAgain(current[2]);
        } catch (AssertionError | RuntimeException | IOException e) {
            // IOException too: a held connection whose read times out is one, and needs the logs as much
            printDiagnostics();
            throw e;
        } finally {
            report.forEach(line -> System.out.println("[BalancedHostsIT] " + line));
        }
    }

    /** Step 1: dm-ctl -restart of each host in turn, under load: not one failed connection. */
    private void rollingRestart(HostInstance[] current) {
        long from = System.currentTimeMillis();
        for (HostInstance host : current) {
            Exec.Result restart = Exec.ctl(dir, host.config, "-restart");
            assertEquals(0, restart.exitCode(), () -> host + ": dm-ctl -restart: " + restart);
            assertTrue(restart.stdout().contains("restart done"), restart::toString);
        }
        long last = System.currentTimeMillis();
        awaitServedBy(List.of(current), last, 20);
        StepFigures figures = step("rolling restart of all three", from, System.currentTimeMillis());
        assertEquals(List.of(), figures.failures, "no connection fails during a rolling restart");
    }

    /** Step 2: -wdown of one host: HAProxy drains it first, no connection fails, the other two carry the load. */
    private HostInstance waitDownThenStartAgain(HostInstance host) {
        String server = host.name;
        long from = System.currentTimeMillis();
        Exec.Running waitDown = Exec.ctlAsync(dir, host.config, "-wdown");
        long drained = awaitServerStatus(server, status -> status.startsWith("DRAIN"), "DRAIN");
        Exec.Result result = waitDown.await(STEP_TIMEOUT);
        assertEquals(0, result.exitCode(), () -> host + ": dm-ctl -wdown: " + result);
        host.awaitExit(Duration.ofSeconds(30));
        long exited = System.currentTimeMillis();
        assertTrue(drained < exited, "HAProxy drained " + server + " before it stopped");
        List<Haproxy.Connection> sentAfterDrain = haproxy.connections().stream()
                .filter(c -> c.server().equals(server) && c.acceptMillis() > drained).toList();
        assertEquals(List.of(), sentAfterDrain, "HAProxy sent " + server + " nothing once it said drain");

        List<HostInstance> others = generations.stream().filter(g -> !g.name.equals(server) && g.alive()).toList();
        awaitServedBy(others, exited, 100);
        long alone = System.currentTimeMillis();
        report.add(String.format("wait-down of %s: HAProxy saw drain %d ms after dm-ctl -wdown, the daemon exited %d ms"
                + " after that (agent.drain-ms 5000, then the workers finished)", server, drained - from, exited - drained));

        HostInstance again = startAgain(host);
        long back = awaitServedBy(List.of(again), alone, 1);
        StepFigures figures = step("wait-down of " + server + ", two hosts alone, " + server + " started again", from,
                System.currentTimeMillis());
        report.add(String.format("%s back in rotation %d ms after its start", server, back - alone));
        assertEquals(List.of(), figures.failures, "no connection fails when a host is taken out with -wdown");
        Map<String, Integer> whileAlone = servedByHost(load.between(exited, alone));
        assertEquals(0, whileAlone.getOrDefault(server, 0), "nothing reaches a stopped host: " + whileAlone);
        for (HostInstance other : others) {
            assertTrue(whileAlone.getOrDefault(other.name, 0) > 0, other.name + " carries load: " + whileAlone);
        }
        return again;
    }

    /** Step 3: kill -9 of one supervisor costs the connections that host had, and HAProxy takes it out within its checks. */
    private HostInstance killThenStartAgain(HostInstance host) throws IOException {
        String server = host.name;
        List<HeldConnection> held = holdConnectionsOnEveryHost();
        List<ProcessHandle> processes = host.processes();
        long from = System.currentTimeMillis();
        host.killSupervisor();
        long killed = System.currentTimeMillis();
        // The workers halt once they see their supervisor gone; the port closes with the last of them.
        Map<Long, Long> deaths = new HashMap<>();
        long[] down = {0};
        long[] portClosed = {0};
        Await.until(STEP_TIMEOUT, () -> {
            processes.stream().filter(p -> !deaths.containsKey(p.pid()) && !Processes.running(p))
                    .forEach(p -> deaths.put(p.pid(), System.currentTimeMillis() - killed));
            if (down[0] == 0 && haproxy.servers().get(server).status().startsWith("DOWN")) {
                down[0] = System.currentTimeMillis();
            }
            // Not the processes' deaths alone: a JVM's main thread shows as a zombie while its other
            // threads still exit and its files, the listening socket among them, are still open
            // (seen: HAProxy connected to the killed host a few ms after its last process looked gone).
            if (portClosed[0] == 0 && deaths.size() == processes.size() && refusesConnections(host.address, dmPort)) {
                portClosed[0] = System.currentTimeMillis();
            }
            return down[0] != 0 && portClosed[0] != 0;
        }, "every process of " + server + " gone, its port closed and HAProxy showing it DOWN");
        long gone = portClosed[0];
        Map<String, Integer> heldLost = new TreeMap<>();
        Map<String, Integer> heldKept = new TreeMap<>();
        for (HeldConnection connection : held) {
            boolean alive = connection.ping();
            (alive ? heldKept : heldLost).merge(connection.host, 1, Integer::sum);
            assertEquals(!connection.host.equals(server), alive,
                    "a held connection on " + connection.host + " " + (alive ? "survived" : "died"));
            connection.close();
        }
        awaitServedBy(generations.stream().filter(g -> !g.name.equals(server) && g.alive()).toList(), gone, 100);
        long after = System.currentTimeMillis();
        // The health check asks the supervisor's agent endpoint, so the host is out after FALL checks
        // whether or not its orphaned workers still hold the port.
        assertTrue(down[0] - killed <= FALL * CHECK_INTERVAL_MILLIS + SLACK_MILLIS, "HAProxy took " + server + " out "
                + (down[0] - killed) + " ms after the kill; its checks take " + FALL * CHECK_INTERVAL_MILLIS + " ms");
        List<Haproxy.Connection> logged = haproxy.connections();
        List<Haproxy.Connection> sentAfterDown = logged.stream()
                .filter(c -> c.server().equals(server) && c.acceptMillis() > down[0]).toList();
        assertEquals(List.of(), sentAfterDown, "HAProxy sent " + server + " nothing once it had marked it down");
        List<Haproxy.Connection> sentAfterGone = logged.stream()
                .filter(c -> c.server().equals(server) && c.acceptMillis() > gone).toList();
        assertEquals(List.of(), sentAfterGone, "nothing reached " + server + " once its port was closed");

        List<BalancedLoad.Outcome> failures = load.between(from, after).stream().filter(o -> !o.ok()).toList();
        int inFlight = 0;
        for (BalancedLoad.Outcome failure : failures) {
            String where = failedOn(failure, logged);
            assertEquals(server, where, "a failed connection was on the killed host: " + failure);
            assertTrue(failure.startMillis() <= Math.min(down[0], gone), "HAProxy gave it to the killed host before it"
                    + " took the host out: " + failure);
            if (failure.startMillis() <= killed) {
                inFlight++;
            }
        }
        List<Long> workerDeaths = processes.stream().filter(p -> p.pid() != host.pid()).map(p -> deaths.get(p.pid())).toList();
        report.add(String.format("kill -9 of %s's supervisor: gone after %d ms, its orphaned workers halted after %s ms,"
                + " its port closed after %d ms; HAProxy marked it DOWN %d ms after the kill (%+d ms from the port closing); held connections lost %s,"
                + " kept %s; %d load connections failed (%d of them started before the kill), all on %s", server,
                deaths.get(host.pid()), workerDeaths, gone - killed, down[0] - killed, down[0] - gone, heldLost, heldKept,
                failures.size(), inFlight, server));
        if (!failures.isEmpty()) {
            report.add("  failed: " + describe(failures, killed, logged));
        }

        HostInstance again = startAgain(host);
        long restarted = System.currentTimeMillis();
        long back = awaitServedBy(List.of(again), restarted, 1);
        report.add(String.format("%s back in rotation %d ms after its start", server, back - restarted));
        StepFigures figures = step("kill -9 of " + server + ", " + server + " started again", from,
                System.currentTimeMillis());
        List<Haproxy.Connection> loggedNow = haproxy.connections();
        assertEquals(failures.size(), figures.failures.size(), () -> "no failure after the host was out: "
                + describe(figures.failures, killed, loggedNow));
        return again;
    }

    private HostInstance startAgain(HostInstance host) {
        HostInstance again = HostInstance.start(host.name, host.address, host.config, host.generation + 1);
        generations.add(again);
        return again;
    }

    /** Which host a failed connection was on: by the worker that answered WHO, else by HAProxy's log line for its port. */
    private String failedOn(BalancedLoad.Outcome failure, List<Haproxy.Connection> logged) {
        if (failure.pid() != 0) {
            return hostOf(failure.pid()).orElse("pid " + failure.pid());
        }
        return logged(failure, logged).map(Haproxy.Connection::server)
                .orElse("no HAProxy log line for port " + failure.localPort());
    }

    /** The failed connections: when they started and ended, relative to {@code sinceMillis}, and what HAProxy logged. */
    private static String describe(List<BalancedLoad.Outcome> failures, long sinceMillis, List<Haproxy.Connection> logged) {
        return failures.stream().map(f -> String.format("[started %+d ms, failed after %d ms: %s; HAProxy: %s]",
                f.startMillis() - sinceMillis, f.endMillis() - f.startMillis(), f.error(), logged(f, logged)
                        .map(c -> c.server() + " " + c.termination() + " retries " + c.retries()).orElse("no line")))
                .collect(Collectors.joining(" "));
    }

    /** HAProxy's line for a client connection: same client port, nearest accept time. */
    private static Optional<Haproxy.Connection> logged(BalancedLoad.Outcome outcome, List<Haproxy.Connection> logged) {
        return logged.stream().filter(c -> c.clientPort() == outcome.localPort())
                .min((a, b) -> Long.compare(Math.abs(a.acceptMillis() - outcome.startMillis()),
                        Math.abs(b.acceptMillis() - outcome.startMillis())));
    }

    /** Opens connections through HAProxy until every host holds at least {@link #HELD_PER_HOST}. */
    private List<HeldConnection> holdConnectionsOnEveryHost() throws IOException {
        List<HeldConnection> held = new ArrayList<>();
        Map<String, Integer> perHost = new TreeMap<>();
        for (int tries = 0; tries < 40 && !(perHost.size() == ADDRESSES.length
                && perHost.values().stream().allMatch(n -> n >= HELD_PER_HOST)); tries++) {
            HeldConnection connection = new HeldConnection(frontend);
            held.add(connection);
            perHost.merge(connection.host, 1, Integer::sum);
        }
        assertEquals(ADDRESSES.length, perHost.size(), "held connections on every host: " + perHost);
        return held;
    }

    /** A connection through HAProxy that stays open: it knows which host serves it. */
    private final class HeldConnection implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final String host;

        HeldConnection(InetSocketAddress target) throws IOException {
            socket.connect(target, 5_000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            socket.getOutputStream().write("WHO\n".getBytes(StandardCharsets.US_ASCII));
            String answer;
            try {
                answer = in.readLine();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer to WHO within 10 s through HAProxy (client port "
                        + socket.getLocalPort() + ")", e);
            }
            long pid = BalancedLoad.workerPid(answer);
            host = hostOf(pid).orElseThrow(() -> new AssertionError("worker " + pid + " belongs to no host"));
        }

        boolean ping() {
            try {
                socket.getOutputStream().write("PING\n".getBytes(StandardCharsets.US_ASCII));
                return "PONG".equals(in.readLine());
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** The figures of one step: connections started in it, by host, and the failed ones. */
    private record StepFigures(int total, Map<String, Integer> byHost, List<BalancedLoad.Outcome> failures) {
    }

    private StepFigures step(String name, long from, long to) {
        List<BalancedLoad.Outcome> outcomes = load.between(from, to);
        List<BalancedLoad.Outcome> failures = outcomes.stream().filter(o -> !o.ok()).toList();
        StepFigures figures = new StepFigures(outcomes.size(), servedByHost(outcomes), failures);
        report.add(String.format("%s (%.1f s): %d connections, %d failed; served by %s", name, (to - from) / 1000.0,
                figures.total, failures.size(), figures.byHost));
        return figures;
    }

    private Map<String, Integer> servedByHost(List<BalancedLoad.Outcome> outcomes) {
        Map<Long, String> hosts = hostsByWorkerPid();
        Map<String, Integer> served = new TreeMap<>();
        for (BalancedLoad.Outcome outcome : outcomes) {
            if (outcome.ok()) {
                served.merge(hosts.getOrDefault(outcome.pid(), "unknown pid " + outcome.pid()), 1, Integer::sum);
            }
        }
        return served;
    }

    private Map<Long, String> hostsByWorkerPid() {
        Map<Long, String> hosts = new HashMap<>();
        for (HostInstance instance : generations) {
            instance.workerPids().forEach(pid -> hosts.put(pid, instance.name));
        }
        return hosts;
    }

    private Optional<String> hostOf(long workerPid) {
        return Optional.ofNullable(hostsByWorkerPid().get(workerPid));
    }

    /** Waits until each of {@code instances} has served {@code count} connections started since {@code since}; returns when. */
    private long awaitServedBy(List<HostInstance> instances, long since, int count) {
        Await.until(STEP_TIMEOUT, () -> {
            List<BalancedLoad.Outcome> recent = load.between(since, Long.MAX_VALUE);
            for (HostInstance instance : instances) {
                java.util.Set<Long> pids = instance.workerPids();
                if (recent.stream().filter(o -> o.ok() && pids.contains(o.pid())).count() < count) {
                    return false;
                }
            }
            return true;
        }, count + " connections served by each of " + instances);
        return System.currentTimeMillis();
    }

    /** Waits until HAProxy shows {@code server} in a status; returns the moment it was seen. */
    private long awaitServerStatus(String server, java.util.function.Predicate<String> status, String what) {
        Await.until(STEP_TIMEOUT, () -> {
            Haproxy.ServerStat stat = haproxy.servers().get(server);
            return stat != null && status.test(stat.status());
        }, "HAProxy to show " + server + " " + what + "; now " + haproxy.servers().get(server));
        return System.currentTimeMillis();
    }

    private void awaitInRotation(List<String> servers) {
        Await.until(STEP_TIMEOUT, () -> {
            Map<String, Haproxy.ServerStat> stats = haproxy.servers();
            return servers.stream().allMatch(s -> stats.containsKey(s) && stats.get(s).status().equals("UP")
                    && stats.get(s).weight() > 0);
        }, "HAProxy to have " + servers + " UP with a weight; now " + haproxy.servers());
    }

    private static String name(int host) {
        return "dm" + (host + 1);
    }

    private Path writeHostConfig(int host, int dmPort, int agentPort) throws IOException {
        Path hostDir = Files.createDirectories(dir.resolve(name(host)));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.bind", ADDRESSES[host]);
        settings.put("server.port", Integer.toString(dmPort));
        settings.put("agent.listen", ADDRESSES[host] + ":" + agentPort);
        settings.put("agent.drain-ms", "5000");
        settings.put("pool.min", "2");
        settings.put("pool.max", "4");
        settings.put("pool.min-spare", "1");
        settings.put("pool.max-spare", "3");
        settings.put("worker.handler", "dm.handler.LineProtocolHandler");
        settings.put("worker.class-archive", "false");
        settings.put("scoreboard.file", hostDir.resolve("scoreboard").toString());
        settings.put("supervisor.tick-ms", "50");
        settings.put("shutdown.timeout-ms", "10000");
        return DaemonUnderTest.writeConfig(hostDir, "server.properties", settings);
    }

    /** examples/haproxy/haproxy.cfg with the test's addresses, ports, stats socket and a log line per connection. */
    private static String haproxyConfig(int frontendPort, int dmPort, int agentPort, Path statsSocket) throws IOException {
        String config = Files.readString(Repo.root().resolve("examples/haproxy/haproxy.cfg"));
        config = replaceOnce(config, "log /dev/log local0", Haproxy.LOG);
        config = replaceOnce(config, "stats socket /run/haproxy/admin.sock mode 660 level admin",
                "stats socket " + statsSocket + " mode 600 level admin");
        config = replaceOnce(config, "option tcplog", Haproxy.LOG_FORMAT);
        config = replaceOnce(config, "bind :6905", "bind 127.0.0.1:" + frontendPort);
        config = replaceOnce(config, "agent-port 9106", "agent-port " + agentPort);
        config = replaceOnce(config, "tcp-check connect port 9106", "tcp-check connect port " + agentPort);
        for (int host = 0; host < ADDRESSES.length; host++) {
            config = replaceOnce(config, "server " + name(host) + " 192.0.2.1" + (host + 1) + ":6905 check",
                    "server " + name(host) + " " + ADDRESSES[host] + ":" + dmPort + " check");
        }
        return config;
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        assertTrue(at >= 0 && text.indexOf(what, at + 1) < 0, "examples/haproxy/haproxy.cfg has '" + what + "' once");
        return text.replace(what, with);
    }

    /** A port that 127.0.0.2, .3 and .4 can all bind right now. */
    /** Whether a connect to {@code address}:{@code port} is refused: nothing listens there. */
    private static boolean refusesConnections(String address, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1_000);
            return false;
        } catch (java.net.ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    private static int portFreeOnEveryAddress() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            List<ServerSocket> bound = new ArrayList<>();
            try {
                ServerSocket first = new ServerSocket();
                bound.add(first);
                first.bind(new InetSocketAddress(ADDRESSES[0], 0));
                int port = first.getLocalPort();
                for (int i = 1; i < ADDRESSES.length; i++) {
                    ServerSocket other = new ServerSocket();
                    bound.add(other);
                    other.bind(new InetSocketAddress(ADDRESSES[i], port));
                }
                return port;
            } catch (IOException e) {
                // taken on one of them: another one
            } finally {
                for (ServerSocket socket : bound) {
                    socket.close();
                }
            }
        }
        throw new AssertionError("no port free on all of " + String.join(", ", ADDRESSES));
    }

    private void printDiagnostics() {
        for (HostInstance instance : generations) {
            List<String> lines = instance.lines();
            System.out.println("===== " + instance + ": " + instance.logFile() + " (last 80 of " + lines.size() + " lines)");
            lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(l -> System.out.println("  | " + l));
        }
        if (haproxy != null) {
            System.out.println("===== HAProxy messages:");
            haproxy.messages().forEach(l -> System.out.println("  | " + l));
            System.out.println("===== HAProxy servers: " + haproxy.servers());
        }
        if (load != null) {
            System.out.println("===== failed connections: " + load.between(0, Long.MAX_VALUE).stream().filter(o -> !o.ok())
                    .limit(50).map(Object::toString).collect(Collectors.joining("\n  ", "\n  ", "")));
        }
    }
}
