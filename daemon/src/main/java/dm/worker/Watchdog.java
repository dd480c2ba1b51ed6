package dm.worker;

import java.util.List;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import dm.ExitCodes;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;

/**
 * The worker's second thread. It ends the worker when the supervisor is gone (a worker must never
 * outlive it: orphans keep the port bound); when the supervisor asks the worker to leave, it
 * wakes the idle threads to accept nothing more ({@link Worker#stopAccepting()}); and it cuts the reads
 * that are past their read timeout ({@link ReadWatch}); and it lets the threads on standby take
 * connections again when the supervisor allows more ({@link AcceptGate}).
 *
 * <p>It looks every {@link #PERIOD_MILLIS} while a thread serves a connection or stands by, and
 * less often while the worker is idle: each look cost about 100 µs of CPU on a 2-core machine, most
 * of an idle worker's cost. Nothing waits on the slower looks: the supervisor sends SIGWINCH with
 * every request to leave, which makes the watchdog look at once; a worker whose supervisor dies is
 * killed by the kernel (PR_SET_PDEATHSIG, {@link ParentProcess}) before this notices; and a read
 * that starts during an idle pause is cut at most {@link #idlePeriodMillis} late, never more than a
 * tenth of its timeout late.
 */
final class Watchdog extends Thread implements SignalHandler {
    static final long PERIOD_MILLIS = 100;
    static final long IDLE_PERIOD_MILLIS = 1000;

    private final Worker worker;
    private final Slot slot;
    private final long supervisorPid;
    private final List<ReadWatch> reads;
    private final AcceptGate gate;
    private final long idlePeriodMillis;

    Watchdog(Worker worker, Slot slot, long supervisorPid, List<ReadWatch> reads, AcceptGate gate,
            ReadTimeouts timeouts) {
        super("watchdog");
        setDaemon(true);
        this.worker = worker;
        this.slot = slot;
        this.supervisorPid = supervisorPid;
        this.reads = List.copyOf(reads);
        this.gate = gate;
        this.idlePeriodMillis = idlePeriodMillis(timeouts);
    }

    /**
     * The pause between looks while the worker is idle: {@link #IDLE_PERIOD_MILLIS}, shorter when a
     * read timeout is under ten times that, never under {@link #PERIOD_MILLIS}.
     */
    static long idlePeriodMillis(ReadTimeouts timeouts) {
        int shortest = timeouts.firstByteMillis(); // the shorter of the two, 0 only when both are
        long period = shortest > 0 ? Math.min(IDLE_PERIOD_MILLIS, shortest / 10) : IDLE_PERIOD_MILLIS;
        return Math.max(PERIOD_MILLIS, period);
    }

    /** From then on SIGWINCH makes the watchdog look at once. */
    void lookOnSignal() {
        Signal.handle(new Signal("WINCH"), this);
    }

    @Override
    public void handle(Signal signal) {
        interrupt();
    }

    @Override
    public void run() {
        while (true) {
            if (!supervisorAlive()) {
                Runtime.getRuntime().halt(ExitCodes.WORKER_ORPHANED);
            }
            if (slot.request() != ShutdownRequest.NORMAL) {
                worker.stopAccepting();
            }
            gate.admit();
            boolean watching = gate.parkedThreads() > 0;
            for (ReadWatch read : reads) {
                read.expireOverdueRead();
                watching |= read.watching();
            }
            try {
                Thread.sleep(watching ? PERIOD_MILLIS : idlePeriodMillis);
            } catch (InterruptedException e) {
                // SIGWINCH: look now
            }
        }
    }

    private boolean supervisorAlive() {
        return ParentProcess.is(supervisorPid);
    }
}
