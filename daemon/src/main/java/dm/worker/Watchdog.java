package dm.worker;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

import dm.ExitCodes;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;

/**
 * The worker's second thread. It ends the worker when the supervisor is gone (a worker must never
 * outlive it: orphans keep the port bound); when the supervisor asks the worker to leave, it
 * closes the listening channel so that an idle worker blocked in accept() wakes up (safe against
 * a connection that accept() has just returned: that one is still served); and it cuts the reads
 * that are past their read timeout ({@link ReadWatch}).
 */
final class Watchdog extends Thread {
    static final long PERIOD_MILLIS = 100;

    private final Slot slot;
    private final ServerSocketChannel listener;
    private final long supervisorPid;
    private final List<ReadWatch> reads;

    Watchdog(Slot slot, ServerSocketChannel listener, long supervisorPid, List<ReadWatch> reads) {
        super("watchdog");
        setDaemon(true);
        this.slot = slot;
        this.listener = listener;
        this.supervisorPid = supervisorPid;
        this.reads = List.copyOf(reads);
    }

    @Override
    public void run() {
        while (true) {
            if (!supervisorAlive()) {
                Runtime.getRuntime().halt(ExitCodes.WORKER_ORPHANED);
            }
            if (slot.request() != ShutdownRequest.NORMAL && listener.isOpen()) {
                try {
                    OutputKeeper.close(listener);
                } catch (IOException ignored) {
                    // the worker leaves anyway once its current connection ends
                }
            }
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
