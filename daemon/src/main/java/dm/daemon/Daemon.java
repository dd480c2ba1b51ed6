package dm.daemon;

import java.io.IOException;
import java.io.PrintStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.ExitException;
import dm.config.ServerConfig;
import dm.scoreboard.Control;
import dm.scoreboard.OwnerLock;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ScoreboardException;

/**
 * The daemon's life: own the scoreboard, get the listening socket, create the scoreboard, run the
 * supervisor, and on the way out leave nothing behind (no worker, no socket, no scoreboard).
 * The order matters: the lock first, so a second daemon never touches the first one's files;
 * the socket before the scoreboard, so a busy port costs nothing to undo.
 */
final class Daemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    private final ServerConfig config;
    private OwnerLock lock;
    private ListenSocket socket;
    private Scoreboard scoreboard;
    private Supervisor supervisor;
    private AgentEndpoint agent;
    private MetricsEndpoint metrics;

    Daemon(ServerConfig config) {
        this.config = config;
    }

    void open(PrintStream workerOutput) throws ExitException {
        long pid = ProcessHandle.current().pid();
        Generation first;
        try {
            lock = OwnerLock.acquire(config.scoreboardFile(), pid);
            socket = ListenSocket.open(config.bindAddress(), config.port(), config.backlog());
            ListenSocket.applyDeferAccept(config.deferAcceptMillis());
            scoreboard = Scoreboard.create(config.scoreboardFile(), config.poolMax(), config.workerThreads());
            scoreboard.layoutProblem().ifPresent(problem -> log.warn("workers open the scoreboard through Chronicle Map,"
                    + " which makes each start slower: its records could not be located ({})", problem));
            first = Generation.first(config, pid, scoreboard.layoutProblem().isPresent());
            if (config.agentListen().isPresent()) {
                agent = AgentEndpoint.open(config.agentListen().get(), scoreboard);
            }
            if (config.metricsListen().isPresent()) {
                metrics = MetricsEndpoint.open(config.metricsListen().get(), scoreboard);
            }
        } catch (IOException e) {
            close();
            throw new ExitException(ExitCodes.FAILURE, "cannot write " + config.snapshotFile() + ": " + e.getMessage());
        } catch (ScoreboardException e) {
            close();
            throw new ExitException(e.reason().exitCode(), e.getMessage());
        } catch (ListenSocket.ListenException e) {
            close();
            throw new ExitException(ExitCodes.CANNOT_LISTEN, e.getMessage());
        }
        // When this process started, not when it got here: JVM start and map creation take a while on a busy machine.
        long startedMillis = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
        scoreboard.control().announce(pid, startedMillis);
        scoreboard.control().setPort(socket.port());
        scoreboard.control().setBacklog(socket.backlog());
        // Under systemd (Type=notify) the supervisor's loop reports readiness, status and watchdog pings.
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(System.getenv(), pid, Clock.SYSTEM);
        supervisor = new Supervisor(scoreboard, first, new JvmLauncher(workerOutput), Clock.SYSTEM,
                new ListenQueueProbe(), ConfigReader.inBackground(), new ProcPss(), new ProcStatCpu(), notifier);
        log.info("listening on {}", socket.describe());
        if (agent != null) {
            log.info("agent endpoint on {} (HAProxy agent-check; HTTP GET for readiness probes)", agent.describe());
        }
        if (metrics != null) {
            log.info("metrics on http://{}/metrics (Prometheus)", metrics.describe());
        }
        log.info("scoreboard {}; pool.min {}, pool.max {}, handler {}", scoreboard.file(), config.poolMin(),
                config.poolMax(), config.handlerClass());
    }

    /** Where signals and jsvc send their requests: they only enqueue. */
    void enqueue(SupervisorEvent event) {
        supervisor.enqueue(event);
    }

    /** How long a graceful stop may take: the drain the agent endpoint reports, then shutdown.timeout-ms. */
    long shutdownTimeoutMillis() {
        return (long) config.agentDrainMillis() + config.shutdownTimeoutMillis();
    }

    /** Runs the supervisor to the end, on the calling thread; returns the exit code. */
    int run() {
        try {
            return supervisor.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        } catch (RuntimeException | Error e) {
            log.error("supervisor failed", e);
            return ExitCodes.FAILURE;
        }
    }

    /** After {@link #run} has returned (it kills every worker on its way out), or when open failed. */
    @Override
    public void close() {
        if (agent != null) {
            agent.close(); // first: it reads the scoreboard
            agent = null;
        }
        if (metrics != null) {
            metrics.close(); // it reads the scoreboard too
            metrics = null;
        }
        if (scoreboard != null) {
            scoreboard.control().setStatus(ParentStatus.STOPPED);
            if (supervisor != null) {
                scoreboard.control().complete(supervisor.activeCommand(), Control.Result.DONE);
            }
            scoreboard.delete();
            scoreboard = null;
            Generation.removeSnapshots(config);
            NativeLibraries.removeAll(config.scoreboardFile());
        }
        if (socket != null) {
            socket.close();
            socket = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
