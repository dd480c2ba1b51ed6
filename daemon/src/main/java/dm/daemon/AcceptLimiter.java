package dm.daemon;

import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.scoreboard.Control;
import dm.scoreboard.Slot;
import dm.scoreboard.ThreadSlot;
import dm.scoreboard.WorkerState;

/**
 * Once per tick: feeds the generation's {@link AcceptLimit} the pool's figures and hands the
 * threads it allows to the accepting workers, oldest first (the kernel offers connections to the
 * threads of the oldest worker first as well, so the allowed threads are the warm ones). Each
 * worker reads its share from its scoreboard record; the pool's limit goes into the control
 * record for dm-ctl status.
 */
final class AcceptLimiter {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    private static final long INFO_INTERVAL_NANOS = 60_000_000_000L;

    private final Pool pool;
    private final Control control;
    private final Clock clock;
    private final CpuSource cpu;
    private long lastAccepted = -1;
    private boolean limited;
    private long lastInfoNanos;
    private boolean loggedAtInfo;

    AcceptLimiter(Pool pool, Control control, Clock clock, CpuSource cpu) {
        this.pool = pool;
        this.control = control;
        this.clock = clock;
        this.cpu = cpu;
    }

    void limit(Generation generation) {
        double idleCpu = cpu.idleShareSinceLastRead();
        long acceptedNow = control.accepted();
        long accepted = lastAccepted < 0 ? 0 : acceptedNow - lastAccepted;
        lastAccepted = acceptedNow;
        List<WorkerProcess> accepting = pool.workers(worker -> !worker.askedToLeave()
                && pool.slot(worker.slot).record.lifecycle() == WorkerState.IDLE);
        accepting.sort(Comparator.comparingLong((WorkerProcess worker) -> worker.startedNanos));
        int threads = 0;
        int busy = 0;
        int held = 0;
        long heldBefore = clock.currentTimeMillis() - generation.config().tickMillis();
        for (WorkerProcess worker : accepting) {
            Slot record = pool.slot(worker.slot).record;
            threads += record.threadCount();
            for (int t = 0; t < record.threadCount(); t++) {
                ThreadSlot thread = record.thread(t);
                if (thread.state() == WorkerState.BUSY) {
                    busy++;
                    long since = thread.busySinceMillis();
                    if (since > 0 && since < heldBefore) {
                        held++;
                    }
                }
            }
        }
        if (threads == 0) {
            return;
        }
        long queued = Math.max(0, control.listenQueue());
        AcceptLimit rule = generation.acceptLimit();
        int allowed = rule.next(new AcceptLimit.Tick(threads, busy, held, queued, accepted, idleCpu));
        int left = allowed;
        for (WorkerProcess worker : accepting) {
            Slot record = pool.slot(worker.slot).record;
            int share = Math.min(record.threadCount(), left);
            record.limitAccepting(share);
            left -= share;
        }
        control.recordAcceptLimit(rule.limited() ? allowed : -1);
        if (rule.limited() != limited) {
            limited = rule.limited();
            logChange(allowed, threads, busy, held, queued, accepted, idleCpu, generation);
        }
    }

    /**
     * At INFO at most once a minute: a load at the edge of saturation can switch the limit on and
     * off every few ticks, and the log is not the place for that (dm-ctl status shows it).
     */
    private void logChange(int allowed, int threads, int busy, int held, long queued, long accepted, double idleCpu,
            Generation generation) {
        long now = clock.nanoTime();
        boolean info = !loggedAtInfo || now - lastInfoNanos >= INFO_INTERVAL_NANOS;
        if (info) {
            loggedAtInfo = true;
            lastInfoNanos = now;
        }
        String figures = String.format("%d busy, %d of them for longer than a tick, %d queued, %d accepted in the tick,"
                + " %.0f%% idle CPU", busy, held, queued, accepted, idleCpu * 100);
        if (limited) {
            String line = "the CPU is saturated: " + allowed + " of " + threads + " threads take new connections, the"
                    + " others stand by (pool.saturated-threads " + generation.config().saturatedThreads() + "; "
                    + figures + ")";
            if (info) {
                log.info(line);
            } else {
                log.debug(line);
            }
        } else if (info) {
            log.info("every thread takes new connections again ({})", figures);
        } else {
            log.debug("every thread takes new connections again ({})", figures);
        }
    }
}
