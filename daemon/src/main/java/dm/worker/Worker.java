package dm.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.config.ConfigException;
import dm.config.ConfigSnapshot;
import dm.config.ServerConfig;
import dm.config.Settings;
import dm.handler.HandlerSettings;
import dm.handler.WorkerContext;
import dm.net.Addresses;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ScoreboardException;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;
import dm.text.Shown;

/**
 * One worker process, looping like Apache prefork's {@code child_main()}: leave if told to; accept;
 * busy; count; run the handler; close; idle; again.
 */
final class Worker implements WorkerContext {
    private static final Logger log = LoggerFactory.getLogger("worker");
    /**
     * How long a retiring worker waits for the supervisor before it leaves anyway: longer than a
     * replacement JVM takes to boot on a loaded machine (25 s seen with two cores shared by several
     * builds; with 10 s here, workers left before their replacements accepted).
     */
    private static final long RETIRE_WAIT_NANOS = 60_000_000_000L;

    private final Path configFile;
    private final int slotIndex;
    private final long supervisorPid;
    private final long pid = ProcessHandle.current().pid();
    private HandlerSettings settings = HandlerSettings.of(Map.of());

    Worker(Path configFile, int slotIndex, long supervisorPid) {
        this.configFile = configFile;
        this.slotIndex = slotIndex;
        this.supervisorPid = supervisorPid;
    }

    int run() {
        Scoreboard scoreboard;
        Slot slot;
        LoadedHandler handler;
        ServerSocketChannel listener;
        ReadTimeouts readTimeouts;
        try {
            ServerConfig config = ConfigSnapshot.read(configFile);
            readTimeouts = ReadTimeouts.of(config);
            scoreboard = Scoreboard.attach(config.scoreboardFile());
            slot = scoreboard.slot(slotIndex);
            slot.setPid(pid);
            settings = HandlerSettings.of(config.handlerSettings());
            handler = HandlerLoader.load(config);
            handler.configure(settings);
            handler.start(this);
            listener = inheritedListener();
        } catch (ConfigException | ScoreboardException | BootException e) {
            log.error("cannot boot: {}", e.getMessage());
            return ExitCodes.WORKER_BOOT_FAILED;
        }

        new Watchdog(slot, listener, supervisorPid).start();
        // The line first: whatever the supervisor does once it sees IDLE (let a retiring worker go) comes after it in the log.
        log.info("accepting connections ({} ms after the JVM started)", millisSinceStart());
        slot.setState(WorkerState.IDLE);
        long maxCalls = slot.maxCalls();
        while (slot.request() == ShutdownRequest.NORMAL) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                break; // the watchdog closed the listener: we were asked to leave while idle
            } catch (IOException e) {
                log.warn("accept failed: {}", e.getMessage());
                continue;
            }
            long calls = serve(handler, connection, slot, scoreboard, readTimeouts);
            if (maxCalls > 0 && calls >= maxCalls) {
                retire(slot, calls);
                handler.stop();
                return ExitCodes.WORKER_RECYCLED;
            }
        }
        slot.setState(WorkerState.EXITING);
        log.info("leaving: {} requested", slot.request().name().toLowerCase());
        handler.stop();
        return ExitCodes.WORKER_LEFT;
    }

    /**
     * worker.max-requests reached: accept nothing more, but stay until the supervisor, having
     * started our replacement, lets us go, so the pool never has fewer processes than before.
     */
    private static void retire(Slot slot, long calls) {
        slot.setState(WorkerState.EXITING);
        log.info("served {} connections (worker.max-requests): leaving once my replacement is ready", calls);
        long deadline = System.nanoTime() + RETIRE_WAIT_NANOS;
        while (slot.request() == ShutdownRequest.NORMAL) {
            if (System.nanoTime() - deadline >= 0) {
                log.warn("my replacement is not accepting after {} s: leaving anyway", RETIRE_WAIT_NANOS / 1_000_000_000L);
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Serves one connection; returns this worker's call count. */
    private long serve(LoadedHandler handler, SocketChannel channel, Slot slot, Scoreboard scoreboard,
            ReadTimeouts timeouts) {
        InetSocketAddress client = null;
        AcceptedConnection connection = null;
        long calls = slot.calls();
        try (channel) {
            client = (InetSocketAddress) channel.getRemoteAddress();
            calls = slot.beginConnection(client, System.currentTimeMillis());
            scoreboard.control().countAccepted();
            log.info("new client connected: {}", Addresses.format(client));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // The timeouts apply to this connection's socket only; the shared listening socket stays blocking.
            connection = new AcceptedConnection(channel, client, this, timeouts);
            handler.handle(connection);
        } catch (SocketTimeoutException e) {
            boolean first = connection == null || !connection.receivedAnything();
            log.info("closing {}: nothing received for {} ms ({})", Addresses.format(client),
                    first ? timeouts.firstByteMillis() : timeouts.afterFirstByteMillis(),
                    first ? timeouts.firstByteKey() : Settings.WORKER_READ_TIMEOUT_MS.key());
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e; // out of memory, an internal error: this JVM is not to be trusted; it dies and is replaced
            }
            log.warn("handler failed on {}: {}", Addresses.format(client), Shown.failure(e));
        } catch (Throwable e) {
            if (ClientReset.causedBy(e)) {
                scoreboard.control().countClientReset();
                log.debug("{} reset the connection: {}", Addresses.format(client), Shown.failure(e));
            } else {
                // Any other Error too (AssertionError, a LinkageError of a lazily loaded class, ...): it costs
                // this one connection, not the worker.
                log.warn("handler failed on {}: {}", Addresses.format(client), Shown.failure(e));
            }
        } finally {
            slot.endConnection();
        }
        log.info("client disconnected: {}", Addresses.format(client));
        return calls;
    }


    private static long millisSinceStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toMillis()).orElse(-1L);
    }

    private static ServerSocketChannel inheritedListener() throws BootException {
        Channel inherited;
        try {
            inherited = System.inheritedChannel();
        } catch (IOException e) {
            inherited = null;
        }
        if (!(inherited instanceof ServerSocketChannel)) {
            throw new BootException("fd 0 is not the listening socket (was the worker started by hand?)");
        }
        return (ServerSocketChannel) inherited;
    }

    @Override
    public int slot() {
        return slotIndex;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Logger log() {
        return log;
    }

    @Override
    public HandlerSettings settings() {
        return settings;
    }
}
