package dm.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.config.ServerConfig;
import dm.net.Addresses;
import dm.net.ListenQueue;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * The arbiter: the seed's {@code parent_main()}. Its loop is the only actor on workers. Each turn it
 * reaps the workers that exited (the JDK tells us at once), carries out the command dm-ctl wrote
 * into the control record, and manages the pool: replace, grow, shrink, recycle, time out,
 * restart, shut down.
 */
final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /** A worker that dies this many times in a row before it ever accepted means the pool cannot boot. */
    private static final int MAX_BOOT_DEATHS_IN_A_ROW = 3;
    private static final long FORCE_DOWN_WAIT_MILLIS = 5_000;
    private static final long QUEUE_SAMPLE_NANOS = 1_000_000_000L;

    private ServerConfig config;
    private final Scoreboard scoreboard;
    private final Control control;
    private final WorkerLauncher launcher;
    private PoolPolicy policy;
    private final WorkerProcess[] workers;
    private final RestartBackoff[] backoffs;
    /** System.nanoTime at which a slot in back-off gets its next worker; 0: none pending. */
    private final long[] respawnAt;
    private final BlockingQueue<SupervisorEvent> events = new LinkedBlockingQueue<>();

    private ParentStatus status = ParentStatus.NORMAL;
    private long handledCommand;
    /** The dm-ctl command being carried out (0: none, or one that came by signal). */
    private long activeCommand;
    private long generation;
    private int bootDeathsInARow;
    private String bootFailure;
    private boolean atMax;
    /** The configuration before the restart in progress, to go back to if the new one cannot boot. */
    private ServerConfig previousConfig;
    private long lastQueueSampleNanos = System.nanoTime();

    Supervisor(ServerConfig config, Scoreboard scoreboard, WorkerLauncher launcher) {
        this.config = config;
        this.scoreboard = scoreboard;
        this.control = scoreboard.control();
        this.launcher = launcher;
        this.workers = new WorkerProcess[scoreboard.slotCount()];
        this.backoffs = new RestartBackoff[workers.length];
        this.respawnAt = new long[workers.length];
        applyPoolSettings();
        this.handledCommand = control.latestCommand().sequence();
    }

    private void applyPoolSettings() {
        policy = new PoolPolicy(config.poolMin(), config.poolMax(), config.minSpare(), config.maxSpare(),
                config.maxSpawnRate());
        for (int i = 0; i < workers.length; i++) {
            backoffs[i] = new RestartBackoff(config.minUptimeMillis(), config.maxBackoffMillis());
        }
    }

    /** Queues an event for the main loop; safe from any thread. */
    void enqueue(SupervisorEvent event) {
        events.add(event);
    }

    /** Runs until the pool is shut down; returns the daemon's exit code. */
    int run() throws InterruptedException {
        for (int i = 0; i < config.poolMin(); i++) {
            spawnWorker(i);
        }
        long nextTick = System.nanoTime();
        while (true) {
            long waitNanos = nextTick - System.nanoTime();
            SupervisorEvent event = waitNanos > 0 ? events.poll(waitNanos, TimeUnit.NANOSECONDS) : events.poll();
            while (event != null) {
                handle(event);
                event = events.poll();
            }
            if (bootFailure != null) {
                log.error("workers cannot boot: {}; stopping", bootFailure);
                killAllWorkers("killed by supervisor (stopping)");
                return ExitCodes.WORKERS_CANNOT_BOOT;
            }
            if (status == ParentStatus.WAIT_DOWN && liveWorkers() == 0) {
                log.info("wait-down: every worker has finished");
                return ExitCodes.OK;
            }
            // A worker's exit wakes the loop at once (it is reaped and, if need be, replaced above), but the
            // pool policy runs once per tick: otherwise each exit would retire, or spawn, one more at once.
            if (System.nanoTime() - nextTick < 0) {
                continue;
            }
            nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.tickMillis());
            readCommand();
            switch (status) {
                case FORCE_DOWN:
                    killAllWorkers("killed by supervisor (force-down)");
                    log.info("force-down: every worker killed");
                    return ExitCodes.OK;
                case WAIT_DOWN:
                    if (liveWorkers() == 0) {
                        log.info("wait-down: every worker has finished");
                        return ExitCodes.OK;
                    }
                    killLateLeavers();
                    break;
                case CHILD_RESTART:
                    advanceRestart();
                    killLateLeavers();
                    watchBusyWorkers();
                    managePool();
                    break;
                default:
                    watchBusyWorkers();
                    managePool();
            }
        }
    }

    /** Last words, whatever the path out: no worker may outlive us. */
    void killAllWorkers(String reason) {
        List<WorkerProcess> live = new ArrayList<>();
        for (WorkerProcess worker : workers) {
            if (worker != null && worker.process.isAlive()) {
                scoreboard.slot(worker.slot).request(ShutdownRequest.SHUTDOWN);
                worker.requestExit();
                worker.kill(reason);
                live.add(worker);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORCE_DOWN_WAIT_MILLIS);
        for (WorkerProcess worker : live) {
            try {
                worker.process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        events.clear();
        for (WorkerProcess worker : live) {
            if (!worker.process.isAlive()) {
                reapWorker(worker, worker.process.exitValue());
            }
        }
    }

    private void handle(SupervisorEvent event) {
        if (event instanceof SupervisorEvent.WorkerExited) {
            SupervisorEvent.WorkerExited exited = (SupervisorEvent.WorkerExited) event;
            reapWorker(exited.worker(), exited.exitValue());
        } else if (event instanceof SupervisorEvent.SignalReceived) {
            onSignal(((SupervisorEvent.SignalReceived) event).name());
        }
    }

    private void onSignal(String name) {
        switch (name) {
            case "HUP":
                log.info("SIGHUP: restarting workers");
                beginTransition(ParentStatus.CHILD_RESTART, 0);
                break;
            case "TERM":
            case "INT":
                if (status == ParentStatus.WAIT_DOWN) {
                    log.info("SIG{} again: forcing down", name);
                    beginTransition(ParentStatus.FORCE_DOWN, 0);
                } else {
                    log.info("SIG{}: shutting down gracefully (send it again to force)", name);
                    beginTransition(ParentStatus.WAIT_DOWN, 0);
                }
                break;
            default:
                log.warn("ignoring SIG{}", name);
        }
    }

    /** The seed's killed_children_check(), for one worker the JDK has already reaped for us. */
    private void reapWorker(WorkerProcess worker, int exitValue) {
        if (workers[worker.slot] != worker) {
            return; // already reaped
        }
        Slot slot = scoreboard.slot(worker.slot);
        boolean neverAccepted = slot.state() == WorkerState.STARTING;
        ShutdownRequest request = slot.request();
        log.info("worker {} (slot {}) {}", worker.pid, worker.slot, ExitStatus.describe(exitValue, worker.killReason));
        workers[worker.slot] = null;
        slot.clear();
        if (worker.trainer) {
            launcher.trainerExited(exitValue == ExitCodes.WORKER_LEFT && worker.killReason == null);
        }
        if (status == ParentStatus.WAIT_DOWN || status == ParentStatus.FORCE_DOWN) {
            return;
        }
        if (worker.exitRequested) {
            if (request == ShutdownRequest.RESTART) {
                spawnWorker(worker.slot);
            }
            return; // retired or shut down: gone for good
        }
        if (exitValue == ExitCodes.WORKER_BOOT_FAILED && status == ParentStatus.CHILD_RESTART
                && worker.generation == generation && previousConfig != null) {
            abandonRestart(worker);
            return;
        }
        if (exitValue == ExitCodes.WORKER_BOOT_FAILED) {
            bootFailure = "worker " + worker.pid + " (slot " + worker.slot + ") could not boot (see its error above)";
            return;
        }
        if (exitValue == ExitCodes.WORKER_RECYCLED) {
            if (worker.replacementSlot < 0) {
                spawnWorker(worker.slot);
            }
            return;
        }
        if (worker.killReason != null) {
            spawnWorker(worker.slot); // request timeout: replace at once
            return;
        }
        if (neverAccepted && ++bootDeathsInARow >= MAX_BOOT_DEATHS_IN_A_ROW) {
            bootFailure = bootDeathsInARow + " workers in a row died before accepting (last: "
                    + ExitStatus.describe(exitValue, null) + "); check worker.jvm-options and the output above";
            return;
        }
        long waitMillis = backoffs[worker.slot].afterDeath(worker.uptimeMillis());
        if (waitMillis == 0) {
            spawnWorker(worker.slot);
        } else {
            log.warn("slot {}: worker died {} ms after it started; next one in {} ms", worker.slot,
                    worker.uptimeMillis(), waitMillis);
            respawnAt[worker.slot] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        }
    }

    /**
     * A worker of the new configuration cannot boot (a handler jar swapped for a broken one, say):
     * rather than take the service down, go back to the configuration the remaining workers run,
     * and replace the slots that were given up with it.
     */
    private void abandonRestart(WorkerProcess failed) {
        log.error("restart abandoned: worker {} (slot {}) of the new configuration could not boot (see its error"
                + " above); going back to the previous configuration", failed.pid, failed.slot);
        config = previousConfig;
        previousConfig = null;
        try {
            config.writeSnapshot(config.snapshotFile());
        } catch (IOException e) {
            bootFailure = "cannot write " + config.snapshotFile() + ": " + e.getMessage();
            return;
        }
        launcher.reconfigure(config);
        applyPoolSettings();
        long abandoned = generation--;
        for (WorkerProcess worker : workers) {
            if (worker != null && worker.generation == abandoned) {
                worker.requestExit(); // replaced, in its slot, by a worker of the previous configuration
                scoreboard.slot(worker.slot).request(ShutdownRequest.RESTART);
                worker.kill("killed: started with the abandoned configuration");
            }
        }
        status = ParentStatus.NORMAL;
        control.setStatus(ParentStatus.NORMAL);
        control.complete(activeCommand, Control.Result.WORKERS_CANNOT_BOOT);
        spawnWorker(failed.slot);
    }

    private void spawnWorker(int slotIndex) {
        respawnAt[slotIndex] = 0;
        Slot slot = scoreboard.slot(slotIndex);
        slot.prepare(System.currentTimeMillis(), maxCallsForNewWorker());
        WorkerProcess worker;
        try {
            worker = launcher.spawn(slotIndex, generation);
        } catch (IOException e) {
            slot.clear();
            bootFailure = "cannot start a worker JVM: " + e.getMessage();
            return;
        }
        slot.setPid(worker.pid);
        workers[slotIndex] = worker;
        worker.process.onExit().thenAccept(p -> enqueue(new SupervisorEvent.WorkerExited(worker, p.exitValue())));
        log.info("worker {} (slot {}) started", worker.pid, slotIndex);
    }

    /** worker.max-requests plus jitter, so that workers started together do not all leave together. */
    private long maxCallsForNewWorker() {
        if (config.maxRequests() == 0) {
            return 0;
        }
        int jitter = config.maxRequestsJitter();
        return config.maxRequests() + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(jitter + 1));
    }

    /** Picks up a new dm-ctl command, if any, and acknowledges it so dm-ctl knows it was seen. */
    private void readCommand() {
        Control.Command command = control.latestCommand();
        if (command.sequence() == handledCommand) {
            return;
        }
        handledCommand = command.sequence();
        control.acknowledge(command.sequence());
        log.info("dm-ctl asks for {}", command.requested().label());
        beginTransition(command.requested(), command.sequence());
    }

    private void beginTransition(ParentStatus requested, long commandSequence) {
        if (status == ParentStatus.FORCE_DOWN
                || (status == ParentStatus.WAIT_DOWN && requested != ParentStatus.FORCE_DOWN)) {
            log.info("already going down ({}); {} ignored", status.label(), requested.label());
            return;
        }
        switch (requested) {
            case FORCE_DOWN:
                enterStatus(ParentStatus.FORCE_DOWN, commandSequence);
                break;
            case WAIT_DOWN:
                enterStatus(ParentStatus.WAIT_DOWN, commandSequence);
                java.util.Arrays.fill(respawnAt, 0);
                for (WorkerProcess worker : workers) {
                    if (worker != null) {
                        worker.requestExit();
                        scoreboard.slot(worker.slot).request(ShutdownRequest.SHUTDOWN);
                    }
                }
                break;
            case CHILD_RESTART:
                Optional<ServerConfig> fresh = ConfigReload.reload(config);
                if (fresh.isEmpty()) {
                    control.complete(commandSequence, Control.Result.INVALID_CONFIGURATION);
                    return;
                }
                previousConfig = config;
                config = fresh.get();
                launcher.reconfigure(config);
                applyPoolSettings();
                generation++;
                enterStatus(ParentStatus.CHILD_RESTART, commandSequence);
                log.info("restart: replacing {} workers, about half at a time", liveWorkers());
                break;
            default:
                log.warn("unknown request {} ignored", requested);
        }
    }

    private void enterStatus(ParentStatus next, long commandSequence) {
        status = next;
        activeCommand = commandSequence;
        control.setStatus(next);
    }

    /**
     * Rolling restart: ask about half of the old workers to leave, and only when their fresh
     * replacements accept connections ask the next batch, so that someone is always accepting.
     */
    private void advanceRestart() {
        int old = 0;
        int leaving = 0;
        int booting = 0;
        for (WorkerProcess worker : workers) {
            if (worker == null) {
                continue;
            }
            if (worker.generation < generation) {
                old++;
                if (worker.exitRequested) {
                    leaving++;
                }
            } else if (scoreboard.slot(worker.slot).state() == WorkerState.STARTING) {
                booting++;
            }
        }
        if (old == 0 && booting == 0) {
            status = ParentStatus.NORMAL;
            control.setStatus(ParentStatus.NORMAL);
            control.complete(activeCommand, Control.Result.DONE);
            previousConfig = null;
            log.info("restart: every worker replaced");
            return;
        }
        if (leaving > 0 || booting > 0 || old == 0) {
            return;
        }
        int batch = Math.max(1, (old + 1) / 2);
        for (WorkerProcess worker : workersIdleFirst()) {
            if (batch == 0) {
                break;
            }
            if (worker.generation < generation && !worker.exitRequested) {
                worker.requestExit();
                scoreboard.slot(worker.slot).request(ShutdownRequest.RESTART);
                batch--;
            }
        }
    }

    private List<WorkerProcess> workersIdleFirst() {
        List<WorkerProcess> ordered = new ArrayList<>();
        for (WorkerProcess worker : workers) {
            if (worker != null && scoreboard.slot(worker.slot).state() != WorkerState.BUSY) {
                ordered.add(worker);
            }
        }
        for (WorkerProcess worker : workers) {
            if (worker != null && scoreboard.slot(worker.slot).state() == WorkerState.BUSY) {
                ordered.add(worker);
            }
        }
        return ordered;
    }

    /** Grows, shrinks and recycles the pool: the seed's busy_children_check(), after Apache prefork. */
    private void managePool() {
        long now = System.nanoTime();
        for (int i = 0; i < workers.length; i++) {
            if (respawnAt[i] != 0 && now - respawnAt[i] >= 0 && workers[i] == null) {
                spawnWorker(i);
            }
        }
        replaceRetiringWorkers();
        restartTrainedWorker();

        int live = 0;
        int idle = 0;
        int starting = 0;
        int busy = 0;
        int leaving = 0;
        for (int i = 0; i < workers.length; i++) {
            WorkerProcess worker = workers[i];
            if (worker == null) {
                if (respawnAt[i] != 0) {
                    live++;
                    starting++;
                }
                continue;
            }
            live++;
            WorkerState state = scoreboard.slot(i).state();
            if (worker.exitRequested || state == WorkerState.EXITING) {
                leaving++;
            }
            if (state == WorkerState.BUSY) {
                busy++;
            } else if (worker.exitRequested) {
                if (scoreboard.slot(i).request() == ShutdownRequest.RESTART) {
                    starting++; // its replacement is on the way, in the same slot
                }
            } else if (state == WorkerState.STARTING) {
                starting++;
            } else if (state == WorkerState.IDLE) {
                idle++;
                if (bootDeathsInARow > 0) {
                    bootDeathsInARow = 0; // a worker of this configuration did boot
                }
            }
        }
        control.recordBusy(busy);
        sampleListenQueue();

        PoolPolicy.Decision decision = policy.decide(live, leaving, idle, starting);
        if (decision.spawn() > 0 && freeSlot() >= 0) {
            log.info("{} idle + {} starting < pool.min-spare {} ({} of {} busy): starting {}", idle, starting,
                    config.minSpare(), busy, live, decision.spawn());
            for (int i = 0, started = 0; i < workers.length && started < decision.spawn(); i++) {
                if (workers[i] == null && respawnAt[i] == 0) {
                    spawnWorker(i);
                    started++;
                }
            }
        } else if (decision.retireOne()) {
            retireOneIdleWorker(idle);
        }
        if (decision.wantedMoreThanMax() && !atMax) {
            control.countMaxReached();
            log.warn("pool.max {} reached: all workers busy, connections wait in the accept queue", config.poolMax());
        }
        atMax = decision.wantedMoreThanMax();
    }

    /**
     * worker.max-requests: a worker that is serving, or has served, its last connection gets its
     * replacement now; once the replacement accepts, the old one is told to go. So capacity never
     * dips below what it was. Without a free slot, it goes at once and is replaced in its own slot.
     */
    private void replaceRetiringWorkers() {
        for (WorkerProcess worker : workers) {
            if (worker == null || worker.exitRequested) {
                continue;
            }
            Slot slot = scoreboard.slot(worker.slot);
            if (worker.replacementSlot >= 0) {
                WorkerProcess replacement = workers[worker.replacementSlot];
                if (replacement == null || scoreboard.slot(replacement.slot).state() != WorkerState.STARTING) {
                    worker.requestExit();
                    slot.request(ShutdownRequest.SHUTDOWN);
                }
                continue;
            }
            if (!slot.reachedMaxCalls()) {
                continue;
            }
            int free = freeSlot();
            if (free < 0) {
                worker.requestExit();
                slot.request(ShutdownRequest.RESTART);
                continue;
            }
            worker.replacementSlot = free;
            log.info("worker {} (slot {}) reached worker.max-requests: its replacement starts in slot {}", worker.pid,
                    worker.slot, free);
            spawnWorker(free);
        }
    }

    /** The class-archive trainer accepts: its classes are loaded, so it may go and write the archive. */
    private void restartTrainedWorker() {
        for (WorkerProcess worker : workers) {
            if (worker != null && worker.trainer && !worker.exitRequested
                    && scoreboard.slot(worker.slot).state() == WorkerState.IDLE) {
                log.info("worker {} (slot {}) leaves to write the class archive; a worker from the archive replaces it",
                        worker.pid, worker.slot);
                worker.requestExit();
                scoreboard.slot(worker.slot).request(ShutdownRequest.RESTART);
            }
        }
    }

    private void retireOneIdleWorker(int idle) {
        for (int i = workers.length - 1; i >= 0; i--) {
            WorkerProcess worker = workers[i];
            if (worker != null && !worker.exitRequested && scoreboard.slot(i).state() == WorkerState.IDLE) {
                log.info("{} idle > pool.max-spare {}: retiring worker {} (slot {})", idle, config.maxSpare(),
                        worker.pid, i);
                worker.requestExit();
                scoreboard.slot(i).request(ShutdownRequest.SHUTDOWN);
                return;
            }
        }
    }

    /** Reads the accept queue about once a second for the "max listen queue" of dm-ctl status. */
    private void sampleListenQueue() {
        long now = System.nanoTime();
        if (now - lastQueueSampleNanos < QUEUE_SAMPLE_NANOS) {
            return;
        }
        lastQueueSampleNanos = now;
        control.recordListenQueue(ListenQueue.length(control.port()));
    }

    /** worker.request-timeout-ms and worker.slow-request-ms. */
    private void watchBusyWorkers() {
        long nowMillis = System.currentTimeMillis();
        for (WorkerProcess worker : workers) {
            if (worker == null || worker.killReason != null) {
                continue;
            }
            Slot slot = scoreboard.slot(worker.slot);
            long busySince = slot.busySinceMillis();
            if (busySince == 0 || slot.state() != WorkerState.BUSY) {
                continue;
            }
            long busyFor = nowMillis - busySince;
            if (config.requestTimeoutMillis() > 0 && busyFor > config.requestTimeoutMillis()) {
                String reason = String.format("killed after request timeout: slot %d, client %s, busy for %d ms"
                        + " (worker.request-timeout-ms = %d)", worker.slot, Addresses.format(slot.client()), busyFor,
                        config.requestTimeoutMillis());
                log.warn("worker {} {}", worker.pid, reason);
                control.countTimeoutKill();
                worker.kill(reason);
            } else if (config.slowRequestMillis() > 0 && busyFor > config.slowRequestMillis()
                    && worker.slowReportedFor != busySince) {
                worker.slowReportedFor = busySince;
                control.countSlowRequest();
                log.warn("slow request: worker {} (slot {}), client {}, busy for {} ms", worker.pid, worker.slot,
                        Addresses.format(slot.client()), busyFor);
            }
        }
    }

    /** The graceful timeout of -wdown and -restart: workers asked to leave that are still busy get killed. */
    private void killLateLeavers() {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMillis());
        long now = System.nanoTime();
        for (WorkerProcess worker : workers) {
            if (worker != null && worker.exitRequested && worker.killReason == null
                    && now - worker.exitRequestedNanos > timeoutNanos) {
                String reason = "killed: still busy after the graceful timeout (shutdown.timeout-ms = "
                        + config.shutdownTimeoutMillis() + ")";
                log.warn("{}: worker {} (slot {}) {}", status.label(), worker.pid, worker.slot, reason);
                control.countTimeoutKill();
                worker.kill(reason);
            }
        }
    }

    private int freeSlot() {
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] == null && respawnAt[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private int liveWorkers() {
        int live = 0;
        for (WorkerProcess worker : workers) {
            if (worker != null) {
                live++;
            }
        }
        return live;
    }


    /** The dm-ctl command that ended the supervisor, to be marked complete on the way out. */
    long activeCommand() {
        return activeCommand;
    }
}
