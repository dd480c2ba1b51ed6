package dm.daemon;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.ExitCodes;
import dm.config.ServerConfig;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ShutdownRequest;

/**
 * The arbiter: its loop is the only actor on workers, and it holds the daemon's status (serving,
 * restarting, waiting down, forcing down). Each turn it handles the events that came in (worker
 * exits, signals, dm-ctl commands), runs the tick when one is due (timeouts, restart batches,
 * recycling, the pool policy), then starts every worker that is due. The jobs themselves live in
 * the classes it calls; this one decides when.
 */
final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    private static final long FORCE_DOWN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Control control;
    private final Clock clock;
    private final Pool pool;
    private final Reaper reaper;
    private final Spawner spawner;
    private final PoolSizer sizer;
    private final Recycler recycler;
    private final Timeouts timeouts;
    private final ListenQueueSampler queueSampler;
    private final AcceptLimiter acceptLimiter;
    private final PssSampler pssSampler;
    private final ConfigReader configReader;
    private final ServiceNotifier notifier;
    private final BlockingDeque<SupervisorEvent> events = new LinkedBlockingDeque<>();

    private Generation current;
    /** The restart in progress, or null. */
    private RollingRestart restart;
    private ParentStatus status = ParentStatus.NORMAL;
    private long handledCommand;
    /** The dm-ctl command being carried out (0: none, or one that came by signal). */
    private long activeCommand;
    /** Why the pool cannot go on (workers cannot boot); null while it can. */
    private String stopReason;
    private long nextTickNanos;
    private final DrainPeriod drain;

    Supervisor(Scoreboard scoreboard, Generation first, Launcher launcher, Clock clock, ListenQueueProbe queueProbe,
            ConfigReader configReader, PssSource pss, CpuSource cpu, ServiceNotifier notifier) {
        this.configReader = configReader;
        this.notifier = notifier;
        this.control = scoreboard.control();
        this.clock = clock;
        this.drain = new DrainPeriod(clock);
        this.current = first;
        this.pool = new Pool(scoreboard, first.config(), clock);
        this.reaper = new Reaper(pool, control, clock);
        this.spawner = new Spawner(pool, launcher, clock, this::enqueue);
        this.sizer = new PoolSizer(pool, control);
        this.recycler = new Recycler(pool);
        this.timeouts = new Timeouts(pool, control, clock, Timeouts.THREAD_DUMP_GRACE_MILLIS);
        this.pssSampler = new PssSampler(pool, pss, clock, this::enqueue);
        this.queueSampler = new ListenQueueSampler(control, queueProbe);
        this.acceptLimiter = new AcceptLimiter(pool, control, clock, cpu);
        this.handledCommand = control.latestCommand().sequence();
        this.nextTickNanos = clock.nanoTime();
        for (int i = 0; i < first.config().poolMin(); i++) {
            pool.replaceNow(i);
        }
    }

    /** Queues an event for the main loop; safe from any thread. */
    void enqueue(SupervisorEvent event) {
        events.add(event);
    }

    /** Runs until the pool is shut down; returns the daemon's exit code. No worker outlives it. */
    int run() throws InterruptedException {
        try {
            Integer exitCode;
            while ((exitCode = turn()) == null) {
                awaitEvent();
            }
            return exitCode;
        } finally {
            killAllWorkers("killed by supervisor (stopping)");
        }
    }

    /** Sleeps until an event comes in, the next tick is due or a replacement is. */
    private void awaitEvent() throws InterruptedException {
        long wakeAt = notifier.nextDueNanos(spawner.nextDueNanos(nextTickNanos));
        SupervisorEvent event = events.poll(Math.max(0, wakeAt - clock.nanoTime()), TimeUnit.NANOSECONDS);
        if (event != null) {
            events.addFirst(event);
        }
    }

    /** One turn of the loop; the exit code once the daemon is to stop, else null. */
    Integer turn() {
        SupervisorEvent event;
        while ((event = events.poll()) != null) {
            handle(event);
        }
        spawnMissingWorkers(); // before the tick too: the tick must see the replacements as starting
        if (clock.nanoTime() - nextTickNanos >= 0) {
            // The policy runs once per tick, not once per event: else each exit would retire, or spawn, one more.
            nextTickNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(current.config().tickMillis());
            readCommand();
            tick();
            spawnMissingWorkers();
        }
        notifier.afterTurn(status, stopReason, pool, control, current.config().poolMin());
        return exitCode();
    }

    private void spawnMissingWorkers() {
        if (goingDown()) {
            return;
        }
        try {
            spawner.spawnMissingWorkers(current);
        } catch (IOException e) {
            stopReason = "cannot start a worker JVM: " + e.getMessage();
        }
    }

    private Integer exitCode() {
        if (stopReason != null) {
            log.error("workers cannot boot: {}; stopping", stopReason);
            killAllWorkers("killed by supervisor (stopping)");
            return ExitCodes.WORKERS_CANNOT_BOOT;
        }
        if (status == ParentStatus.FORCE_DOWN) {
            killAllWorkers("killed by supervisor (force-down)");
            log.info("force-down: every worker killed");
            return ExitCodes.OK;
        }
        if (status == ParentStatus.WAIT_DOWN && pool.live() == 0) {
            log.info("wait-down: every worker has finished");
            return ExitCodes.OK;
        }
        return null;
    }

    private void tick() {
        pool.killWhenDue(); // the SIGKILLs that follow thread dumps, whatever the pool is doing
        pssSampler.sample(current.config());
        switch (status) {
            case WAIT_DOWN:
                drain.tick(this::serve, this::stopAccepting);
                timeouts.killLateLeavers(current.config(), status.label());
                break;
            case CHILD_RESTART:
                if (restart.advance()) {
                    finishRestart();
                }
                timeouts.killLateLeavers(current.config(), status.label());
                serve();
                break;
            case NORMAL:
                serve();
                break;
            default:
                break;
        }
    }

    private void serve() {
        timeouts.watchBusyWorkers(current.config());
        recycler.replaceRetiringWorkers(current.config());
        recycler.restartTrainedWorker();
        sizer.manage(current);
        if (pool.anyAccepted(current)) {
            reaper.workerAccepted();
        }
        queueSampler.sample();
        acceptLimiter.limit(current); // after the sample: it weighs the queue against what was accepted
    }

    private void handle(SupervisorEvent event) {
        if (event instanceof SupervisorEvent.WorkerExited exited) {
            onWorkerExited(exited.worker(), exited.exitValue());
        } else if (event instanceof SupervisorEvent.Stop stop) {
            if (status == ParentStatus.WAIT_DOWN) {
                log.info("{} again: forcing down", stop.cause());
                transition(ParentStatus.FORCE_DOWN, 0);
            } else {
                log.info("{}: shutting down gracefully (send it again to force)", stop.cause());
                transition(ParentStatus.WAIT_DOWN, 0);
            }
        } else if (event instanceof SupervisorEvent.ForceStop force) {
            log.info("{}: forcing down", force.cause());
            transition(ParentStatus.FORCE_DOWN, 0);
        } else if (event instanceof SupervisorEvent.Restart restartEvent) {
            log.info("{}: restarting workers", restartEvent.cause());
            transition(ParentStatus.CHILD_RESTART, 0);
        } else if (event instanceof SupervisorEvent.PssRead read) {
            pssSampler.record(read, current.config());
        } else if (event instanceof SupervisorEvent.ConfigRead read) {
            onConfigRead(read.command(), read.config());
        } else if (event instanceof SupervisorEvent.Command command) {
            log.info("dm-ctl asks for {}", command.requested().label());
            transition(command.requested(), command.sequence());
        }
    }

    private void onWorkerExited(WorkerProcess worker, int exitValue) {
        Reaper.Mode mode = goingDown() ? Reaper.Mode.GOING_DOWN
                : restart != null ? Reaper.Mode.RESTARTING : Reaper.Mode.SERVING;
        Verdict verdict = reaper.reap(worker, exitValue, mode, current);
        if (verdict instanceof Verdict.StopDaemon stop) {
            stopReason = stop.reason();
        } else if (verdict instanceof Verdict.AbandonRestart) {
            abandonRestart(worker);
        }
    }

    /** Picks up a new dm-ctl command, if any, and acknowledges it so dm-ctl knows it was seen. */
    private void readCommand() {
        Control.Command command = control.latestCommand();
        if (command.sequence() != handledCommand) {
            handledCommand = command.sequence();
            control.acknowledge(command.sequence());
            handle(new SupervisorEvent.Command(command.sequence(), command.requested()));
        }
    }

    private void transition(ParentStatus requested, long commandSequence) {
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
                drain.begin(current.config().agentDrainMillis(), this::stopAccepting);
                break;
            case CHILD_RESTART:
                beginRestart(commandSequence);
                break;
            default:
                log.warn("unknown request {} ignored", requested);
        }
    }

    private void stopAccepting() {
        pool.cancelReplacements();
        pool.workers().forEach(worker -> pool.askToLeave(worker, ShutdownRequest.SHUTDOWN));
    }

    private void beginRestart(long commandSequence) {
        configReader.read(current.config(), fresh -> enqueue(new SupervisorEvent.ConfigRead(commandSequence, fresh)));
    }

    private void onConfigRead(long commandSequence, Optional<ServerConfig> fresh) {
        if (status == ParentStatus.WAIT_DOWN || goingDown()) { // WAIT_DOWN: also while it drains
            control.complete(commandSequence, Control.Result.DONE);
            return;
        }
        Generation next = null;
        if (fresh.isPresent()) {
            try {
                next = current.next(fresh.get());
            } catch (IOException e) {
                log.error("restart refused: cannot write the workers' copy of the configuration: {}", e.getMessage());
            }
        }
        if (next == null) {
            control.complete(commandSequence, Control.Result.INVALID_CONFIGURATION);
            return;
        }
        if (restart != null) {
            control.complete(restart.command(), Control.Result.DONE); // the new restart replaces every worker too
        }
        restart = new RollingRestart(pool, current, next, commandSequence);
        useGeneration(next);
        enterStatus(ParentStatus.CHILD_RESTART, commandSequence);
    }

    private void finishRestart() {
        control.complete(restart.command(), Control.Result.DONE);
        restart = null;
        enterStatus(ParentStatus.NORMAL, 0);
    }

    private void abandonRestart(WorkerProcess failed) {
        useGeneration(restart.abandon(failed));
        control.complete(restart.command(), Control.Result.WORKERS_CANNOT_BOOT);
        restart = null;
        enterStatus(ParentStatus.NORMAL, 0);
        pool.replaceNow(failed.slot);
    }

    private void useGeneration(Generation generation) {
        current = generation;
        pool.reconfigure(generation.config());
    }

    private void enterStatus(ParentStatus next, long commandSequence) {
        status = next;
        activeCommand = commandSequence;
        control.setStatus(next);
    }

    /** Going down; not yet while -wdown drains: until then workers are replaced as usual. */
    private boolean goingDown() {
        return (status == ParentStatus.WAIT_DOWN && !drain.active()) || status == ParentStatus.FORCE_DOWN
                || stopReason != null;
    }

    /** Last words, whatever the path out: kills every worker and waits for them. */
    private void killAllWorkers(String reason) {
        List<WorkerProcess> exited = pool.killAll(reason, FORCE_DOWN_WAIT_NANOS);
        events.clear(); // their exits, reaped here
        exited.forEach(worker -> reaper.reap(worker, worker.handle.exitValue(), Reaper.Mode.GOING_DOWN, current));
    }

    /** The dm-ctl command that ended the supervisor, to be marked complete on the way out. */
    long activeCommand() {
        return activeCommand;
    }

    /** The configuration the pool runs now. */
    Generation generation() {
        return current;
    }
}
