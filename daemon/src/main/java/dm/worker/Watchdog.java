package dm.worker;

import java.util.List;

import dm.ExitCodes;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;

/**
 * The worker's second thread. It ends the worker when the supervisor is gone (a worker must never
 * outlive it: orphans keep the port bound); when the supervisor asks the worker to leave, it
 * wakes the idle threads to accept nothing more ({@link Worker#stopAccepting()}); and it cuts the reads
 * that are past their read timeout ({@link ReadWatch}); and it lets the threads on standby take
 * connections again when the supervisor allows more ({@link AcceptGate}).
 */
final class Watchdog extends Thread {
    static final long PERIOD_MILLIS = 100;

    private final Worker worker;
    private final Slot slot;
    private final long supervisorPid;
    private final List<ReadWatch> reads;
    private final AcceptGate gate;

    Watchdog(Worker worker, Slot slot, long supervisorPid, List<ReadWatch> reads, AcceptGate gate) {
        super("watchdog");
        setDaemon(true);
        this.worker = worker;
        this.slot = slot;
        this.supervisorPid = supervisorPid;
        this.reads = List.copyOf(reads);
        this.gate = gate;
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
            for (ReadWatch read : reads) {
                read.expireOverdueRead();
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean supervisorAlive() {
        return ParentProcess.is(supervisorPid);
    }
}
