package dm.daemon;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.commons.daemon.DaemonContext;
import org.apache.commons.daemon.DaemonInitException;

import dm.ExitCodes;
import dm.ExitException;
import dm.config.ServerConfig;
import dm.logging.ProcessIdentity;

/**
 * dm under Apache Commons Daemon (jsvc): {@code jsvc ... dm.daemon.JsvcDaemon -c FILE}, see bin/dm-jsvc.
 *
 * <ul>
 * <li>{@code init()} runs as the {@code -user} account but still with CAP_NET_BIND_SERVICE: it loads
 *     the configuration, takes the owner lock, binds the port (below 1024 is fine) onto fd 0 and
 *     creates the scoreboard. Any failure prints one line on stderr and exits with the code from
 *     {@link ExitCodes}, as {@code dm-daemon} would: nothing has been started yet.</li>
 * <li>{@code start()} only starts the supervisor thread: jsvc installs its signal handlers after
 *     start() returns, so a slow start() would leave a window in which SIGTERM kills jsvc without
 *     stop(). Workers are spawned from that one long-lived thread (PR_SET_PDEATHSIG and the
 *     like are per thread) and watch the supervisor's pid: they halt soon after its death, however
 *     it dies.</li>
 * <li>{@code stop()} asks the supervisor's loop for a graceful stop (wait-down), waits
 *     shutdown.timeout-ms plus a margin, then asks it to force. It never touches a worker itself:
 *     the loop kills every worker on its way out.</li>
 * <li>{@code destroy()} removes the scoreboard and lock and closes the socket.</li>
 * </ul>
 * If the supervisor ends by itself (dm-ctl -wdown or -fdown, workers that cannot boot) the JVM exits
 * with the supervisor's exit code, so jsvc does not linger without workers.
 *
 * <p>Signals are jsvc's: TERM stops, USR1 reopens -outfile/-errfile (run jsvc with -keepstdin, else it
 * points fd 0, the listening socket, at /dev/null), HUP makes jsvc stop, destroy and start again.
 * dm-ctl works as with dm-daemon.
 */
public final class JsvcDaemon implements org.apache.commons.daemon.Daemon {
    /** Beyond shutdown.timeout-ms: the supervisor's own force-down waits up to 5 s for the kills. */
    static final long STOP_MARGIN_MILLIS = 10_000;

    private Daemon daemon;
    private long shutdownTimeoutMillis;
    private Thread supervisorThread;
    private volatile boolean stopping;

    @Override
    public void init(DaemonContext context) throws DaemonInitException {
        ProcessIdentity.set("supervisor");
        Path configFile = parseArguments(context.getArguments());
        try {
            daemon = Boot.open(configFile, System.out);
            shutdownTimeoutMillis = daemon.shutdownTimeoutMillis();
        } catch (ExitException e) {
            fail(e.exitCode(), e.getMessage());
        }
    }

    /** jsvc passes what follows the class name: {@code -c FILE} (or --config), nothing else. */
    static Path parseArguments(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("-c") || arg.equals("--config")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else {
                fail(ExitCodes.USAGE, "unexpected argument '" + arg + "' (usage: jsvc ... "
                        + JsvcDaemon.class.getName() + " [-c FILE])");
            }
        }
        return file != null ? file : ServerConfig.defaultFile();
    }

    @Override
    public void start() {
        supervisorThread = new Thread(this::superviseThenExit, "supervisor");
        supervisorThread.setDaemon(false);
        supervisorThread.start();
    }

    private void superviseThenExit() {
        int exitCode = daemon.run();
        if (stopping) {
            return; // stop() is waiting for us; destroy() cleans up
        }
        // Ended on its own (dm-ctl -wdown, -fdown, or the pool cannot boot): clean up and leave,
        // so that jsvc does not stay behind with no workers.
        daemon.close();
        System.out.flush();
        System.exit(exitCode);
    }

    /** Asks for a graceful stop, then a forced one; only enqueues, the supervisor's loop does the rest. */
    @Override
    public void stop() throws InterruptedException {
        Thread thread = supervisorThread;
        if (thread == null || !thread.isAlive()) {
            return;
        }
        stopping = true;
        daemon.enqueue(new SupervisorEvent.Stop("jsvc stop"));
        thread.join(shutdownTimeoutMillis + STOP_MARGIN_MILLIS);
        if (thread.isAlive()) {
            daemon.enqueue(new SupervisorEvent.ForceStop("jsvc stop, still running after shutdown.timeout-ms"));
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Override
    public void destroy() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
    }

    /** One line on stderr, then the documented exit code: jsvc's own "Cannot load daemon" says less. */
    private static void fail(int exitCode, String message) {
        System.err.println("dm-jsvc: " + message);
        System.err.flush();
        System.exit(exitCode);
    }
}
