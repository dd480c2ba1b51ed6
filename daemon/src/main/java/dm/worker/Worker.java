package dm.worker;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.CurrentProcess;
import dm.ExitCodes;
import dm.config.ConfigException;
import dm.config.ConfigSnapshot;
import dm.config.ServerConfig;
import dm.handler.HandlerSettings;
import dm.handler.WorkerContext;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ScoreboardException;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * One worker process: boots, then runs worker.threads {@link AcceptLoop}s on the inherited socket
 * and waits for them; leaves once they have all ended (asked to leave, or worker.max-requests).
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
    private final long pid = CurrentProcess.pid();
    private HandlerSettings settings = HandlerSettings.of(Map.of());
    private final AtomicBoolean retiring = new AtomicBoolean();
    private Slot slot;
    private ServerSocketChannel listener;
    /** Null when the threads block in accept() (no epoll here). */
    private AcceptWakeup acceptWakeup;
    /** Where the threads on standby wait; null until the threads exist. */
    private volatile AcceptGate gate;
    private int threads = 1;

    Worker(Path configFile, int slotIndex, long supervisorPid) {
        this.configFile = configFile;
        this.slotIndex = slotIndex;
        this.supervisorPid = supervisorPid;
    }

    int run() {
        Scoreboard scoreboard;
        LoadedHandler handler;
        ReadTimeouts readTimeouts;
        AccessLog accessLog = null;
        try {
            ServerConfig config = ConfigSnapshot.read(configFile);
            readTimeouts = ReadTimeouts.of(config);
            if (config.accessLogFile().isPresent()) {
                accessLog = AccessLog.open(config.accessLogFile().get(), log);
            }
            scoreboard = Scoreboard.attach(config.scoreboardFile());
            slot = scoreboard.slot(slotIndex);
            slot.setPid(pid);
            threads = slot.threadCount();
            settings = HandlerSettings.of(config.handlerSettings());
            handler = HandlerLoader.load(config);
            handler.configure(settings);
            handler.start(this);
            listener = inheritedListener();
        } catch (ConfigException | ScoreboardException | BootException e) {
            log.error("cannot boot: {}", e.getMessage());
            return ExitCodes.WORKER_BOOT_FAILED;
        }

        AcceptWait[] waits = acceptWaits();
        boolean acceptNatively = waits != null && acceptNatively();
        AcceptLoop[] loops = new AcceptLoop[threads];
        List<ReadWatch> reads = new ArrayList<>();
        gate = new AcceptGate(slot, threads);
        for (int t = 0; t < threads; t++) {
            loops[t] = new AcceptLoop(this, slot, t, listener, waits == null ? null : waits[t],
                    acceptNatively ? new NativeAcceptor(0) : null, gate, scoreboard.control(), handler, readTimeouts,
                    accessLog);
            reads.add(loops[t].readWatch());
        }
        Watchdog watchdog = new Watchdog(this, slot, supervisorPid, reads, gate, readTimeouts);
        watchdog.lookOnSignal();
        watchdog.start();
        // From the supervisor's spawn (its clock, in this slot's record): what the pool waits for.
        long bootMillis = System.currentTimeMillis() - slot.startedMillis();
        slot.observeBoot(bootMillis);
        // The line first: whatever the supervisor does once it sees IDLE (let a retiring worker go) comes after it in the log.
        log.info("accepting connections ({} ms after it was spawned)", bootMillis);
        slot.setState(WorkerState.IDLE);
        for (AcceptLoop loop : loops) {
            loop.start();
        }
        for (AcceptLoop loop : loops) {
            joinUninterruptibly(loop);
        }
        if (retiring.get()) {
            retire(slot);
            handler.stop();
            return ExitCodes.WORKER_RECYCLED;
        }
        slot.setState(WorkerState.EXITING);
        log.info("leaving: {} requested", slot.request().name().toLowerCase());
        handler.stop();
        return ExitCodes.WORKER_LEFT;
    }

    /** Whether worker.max-requests was reached: no thread accepts again. */
    boolean retiring() {
        return retiring.get();
    }

    /**
     * A thread's connection took the worker to worker.max-requests. The first to get there stops
     * the others from accepting (closing our copy of the listening socket wakes those blocked in
     * accept()); those serving a connection finish it. A connection accepted by another thread
     * meanwhile is still served, so a worker with threads may serve a few more than the limit.
     */
    void reachedMaxCalls(long calls) {
        if (retiring.compareAndSet(false, true)) {
            slot.setState(WorkerState.EXITING);
            log.info("served {} connections (worker.max-requests): leaving once my replacement is ready", calls);
            if (threads > 1) {
                stopAccepting();
            }
        }
    }

    /**
     * Wakes every thread waiting for a connection, to accept nothing more. Closing our copy of the
     * listening socket wakes those blocked in accept() and fails any later accept(); the wakeup
     * those waiting in {@link AcceptWait}. A connection accept() has just returned is still served.
     */
    synchronized void stopAccepting() {
        if (gate != null) {
            gate.openForGood(); // the threads on standby must see it too, and end
        }
        if (!listener.isOpen()) {
            return;
        }
        try {
            OutputKeeper.close(listener);
        } catch (IOException ignored) {
            // the threads still see retiring() or the supervisor's request after their connection
        }
        if (acceptWakeup != null) {
            acceptWakeup.wakeAll();
        }
    }

    /**
     * Each thread's {@link AcceptWait}, with the listening socket switched to non-blocking for them;
     * null, leaving it blocking, when this kernel or JNA cannot give all of them one.
     */
    private AcceptWait[] acceptWaits() {
        AcceptWakeup wakeup = AcceptWakeup.create();
        AcceptWait[] waits = new AcceptWait[threads];
        String problem = wakeup == null ? "epoll is not available" : null;
        for (int t = 0; problem == null && t < threads; t++) {
            waits[t] = AcceptWait.open(0, wakeup);
            if (waits[t] == null) {
                problem = "epoll refused the listening socket";
            }
        }
        if (problem == null) {
            try {
                listener.configureBlocking(false);
            } catch (IOException e) {
                problem = "cannot make the listening socket non-blocking (" + e.getMessage() + ")";
            }
        }
        if (problem != null) {
            for (AcceptWait wait : waits) {
                if (wait != null) {
                    wait.close();
                }
            }
            if (wakeup != null) {
                wakeup.close();
            }
            log.warn("{}: threads wait in accept(), which hands connections to the longest idle", problem);
            return null;
        }
        acceptWakeup = wakeup;
        return waits;
    }

    /** With epoll (a non-blocking listening socket): accept4(2) on fd 0, unless this JVM cannot. */
    private static boolean acceptNatively() {
        if (!NativeAcceptor.available()) {
            log.warn("cannot accept connections with direct system calls on this JDK: accepting through the JDK's channel");
            return false;
        }
        return true;
    }

    private static void joinUninterruptibly(Thread thread) {
        while (true) {
            try {
                thread.join();
                return;
            } catch (InterruptedException e) {
                // nothing interrupts the main thread; wait on
            }
        }
    }

    /**
     * worker.max-requests reached: accept nothing more, but stay until the supervisor, having
     * started our replacement, lets us go, so the pool never has fewer processes than before.
     */
    private static void retire(Slot slot) {
        slot.setState(WorkerState.EXITING);
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

    /** The accepting thread the caller runs on; -1 on any other (start, stop, a thread of the handler's). */
    @Override
    public int thread() {
        return Thread.currentThread() instanceof AcceptLoop loop ? loop.index() : -1;
    }

    @Override
    public int threads() {
        return threads;
    }
}
