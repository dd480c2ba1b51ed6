package dm.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.config.ServerConfig;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * The arbiter: the seed's {@code parent_main()}. Its loop is the only actor on workers. Each turn it
 * reaps the workers that exited (the JDK tells us at once), carries out the command dm-ctl wrote
 * into the control record, and manages the pool: replace, grow, restart, shut down.
 */
final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /** A worker that dies this many times in a row before it ever accepted means the pool cannot boot. */
    private static final int MAX_BOOT_DEATHS_IN_A_ROW = 3;
    private static final long FORCE_DOWN_WAIT_MILLIS = 5_000;

    private final ServerConfig config;
    private final Scoreboard scoreboard;
    private final Control control;
    private final WorkerLauncher launcher;
    private final WorkerProcess[] workers;
    private final BlockingQueue<SupervisorEvent> events = new LinkedBlockingQueue<>();

    private ParentStatus status = ParentStatus.NORMAL;
    private long handledCommand;
    /** The dm-ctl command being carried out (0: none, or one that came by signal). */
    private long activeCommand;
    private long generation;
    private long shutdownDeadlineNanos;
    private int bootDeathsInARow;
    private String bootFailure;

    Supervisor(ServerConfig config, Scoreboard scoreboard, WorkerLauncher launcher) {
        this.config = config;
        this.scoreboard = scoreboard;
        this.control = scoreboard.control();
        this.launcher = launcher;
        this.workers = new WorkerProcess[scoreboard.slotCount()];
        this.handledCommand = control.latestCommand().sequence();
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
        while (true) {
            SupervisorEvent event = events.poll(config.tickMillis(), TimeUnit.MILLISECONDS);
            while (event != null) {
                handle(event);
                event = events.poll();
            }
            if (bootFailure != null) {
                log.error("workers cannot boot: {}; stopping", bootFailure);
                killAllWorkers();
                return ExitCodes.WORKERS_CANNOT_BOOT;
            }
            readCommand();
            switch (status) {
                case FORCE_DOWN:
                    killAllWorkers();
                    log.info("force-down: every worker killed");
                    return ExitCodes.OK;
                case WAIT_DOWN:
                    if (liveWorkers() == 0) {
                        log.info("wait-down: every worker has finished");
                        return ExitCodes.OK;
                    }
                    murderWorkersPastDeadline();
                    break;
                case CHILD_RESTART:
                    advanceRestart();
                    growPool();
                    break;
                default:
                    manageWorkers();
                    growPool();
            }
        }
    }

    /** Last words, whatever the path out: no worker may outlive us. */
    void killAllWorkers() {
        List<WorkerProcess> live = new ArrayList<>();
        for (WorkerProcess worker : workers) {
            if (worker != null && worker.process.isAlive()) {
                scoreboard.slot(worker.slot).request(ShutdownRequest.SHUTDOWN);
                worker.kill();
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
        String cause = worker.killed ? "killed by supervisor (SIGKILL)" : ExitStatus.describe(exitValue);
        log.info("worker {} (slot {}) {}", worker.pid, worker.slot, cause);
        workers[worker.slot] = null;
        slot.clear();
        if (worker.exitRequested && request != ShutdownRequest.RESTART) {
            return;
        }
        if (exitValue == ExitCodes.WORKER_BOOT_FAILED) {
            bootFailure = "worker " + worker.pid + " (slot " + worker.slot + ") could not boot (see its error above)";
            return;
        }
        if (neverAccepted && !worker.exitRequested) {
            if (++bootDeathsInARow >= MAX_BOOT_DEATHS_IN_A_ROW) {
                bootFailure = bootDeathsInARow + " workers in a row died before accepting (last: "
                        + cause + "); check worker.jvm-options and the output above";
                return;
            }
        }
        if (status == ParentStatus.NORMAL || status == ParentStatus.CHILD_RESTART) {
            spawnWorker(worker.slot);
        }
    }

    private void spawnWorker(int slotIndex) {
        Slot slot = scoreboard.slot(slotIndex);
        slot.prepare(System.currentTimeMillis());
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
                shutdownDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMillis());
                for (WorkerProcess worker : workers) {
                    if (worker != null) {
                        worker.exitRequested = true;
                        scoreboard.slot(worker.slot).request(ShutdownRequest.SHUTDOWN);
                    }
                }
                break;
            case CHILD_RESTART:
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
            control.complete(activeCommand);
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
                worker.exitRequested = true;
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

    /** Keeps at least pool.min workers; a fresh worker that accepted resets the boot-death count. */
    private void manageWorkers() {
        int live = 0;
        for (WorkerProcess worker : workers) {
            if (worker != null) {
                live++;
                if (bootDeathsInARow > 0 && scoreboard.slot(worker.slot).state() != WorkerState.STARTING) {
                    bootDeathsInARow = 0;
                }
            }
        }
        for (int i = 0; i < workers.length && live < config.poolMin(); i++) {
            if (workers[i] == null) {
                spawnWorker(i);
                live++;
            }
        }
    }

    /** The seed's busy_children_check(): every worker busy and room left, so one more. */
    private void growPool() {
        int live = 0;
        int busy = 0;
        int free = -1;
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] == null) {
                if (free < 0) {
                    free = i;
                }
                continue;
            }
            live++;
            if (scoreboard.slot(i).state() == WorkerState.BUSY) {
                busy++;
            }
        }
        if (live > 0 && busy == live && free >= 0) {
            log.info("all {} workers busy: adding one", live);
            spawnWorker(free);
        }
    }

    private void murderWorkersPastDeadline() {
        if (System.nanoTime() - shutdownDeadlineNanos < 0) {
            return;
        }
        for (WorkerProcess worker : workers) {
            if (worker != null && !worker.killed) {
                log.warn("wait-down: worker {} (slot {}) still busy after {} ms; killing it", worker.pid, worker.slot,
                        config.shutdownTimeoutMillis());
                worker.kill();
            }
        }
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
