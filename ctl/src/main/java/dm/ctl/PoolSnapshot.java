package dm.ctl;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;
import dm.scoreboard.ThreadSlot;
import dm.scoreboard.WorkerState;

/**
 * Everything dm-ctl shows about a daemon, read from the scoreboard at one moment. The listen queue
 * too is what the supervisor published there on its last tick: dm-ctl reads no /proc/net/tcp.
 * {@code acceptLimit} is -1 while every thread takes new connections, else how many do (the CPU
 * is saturated).
 */
record PoolSnapshot(long takenMillis, long supervisorPid, ParentStatus status, long startedMillis, int port,
        Path scoreboardFile, long accepted, long maxBusy, long maxReached, long slowRequests, long clientResets,
        long timeoutKills, long listenQueue, long maxListenQueue, int backlog, int threadsPerWorker,
        int acceptLimit, String scoreboardLine, List<Worker> workers) {

    /**
     * One live slot. {@code busyMillis} and {@code client} are those of its thread busy the
     * longest: -1 and null when no thread is busy. {@code threads} has one entry per thread;
     * {@code pssKib} is 0 until the supervisor has read it (worker.pss-interval-ms).
     */
    record Worker(int slot, long pid, WorkerState state, long startedMillis, long calls, long busyMillis,
            InetSocketAddress client, long pssKib, List<WorkerThread> threads) {

        long busyThreads() {
            return threads.stream().filter(t -> t.state() == WorkerState.BUSY).count();
        }

        long idleThreads() {
            return threads.stream().filter(t -> t.state() == WorkerState.IDLE).count();
        }
    }

    /** One thread of a live worker; {@code busyMillis} -1 and {@code client} null when it serves nothing. */
    record WorkerThread(int index, WorkerState state, long calls, long busyMillis, InetSocketAddress client) {
    }

    static PoolSnapshot take(Scoreboard scoreboard) {
        long now = System.currentTimeMillis();
        Control control = scoreboard.control();
        StringBuilder line = new StringBuilder();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            Slot slot = scoreboard.slot(i);
            WorkerState lifecycle = slot.lifecycle();
            List<WorkerThread> threads = new ArrayList<>();
            for (int t = 0; t < slot.threadCount(); t++) {
                WorkerThread thread = thread(slot.thread(t), lifecycle, now);
                threads.add(thread);
                line.append(thread.state().symbol());
            }
            WorkerState state = slot.state();
            long pid = slot.pid();
            if (state == WorkerState.EMPTY && pid == 0) {
                continue;
            }
            ThreadSlot longest = slot.longestBusy();
            workers.add(new Worker(i, pid, state, slot.startedMillis(), slot.calls(),
                    longest == null ? -1 : now - longest.busySinceMillis(), longest == null ? null : longest.client(),
                    slot.pssKib(), List.copyOf(threads)));
        }
        int port = control.port();
        return new PoolSnapshot(now, control.supervisorPid(), control.status(), control.startedMillis(), port,
                scoreboard.file(), control.accepted(), control.maxBusy(), control.maxReached(), control.slowRequests(),
                control.clientResets(), control.timeoutKills(), control.listenQueue(),
                control.maxListenQueue(), control.backlog(), scoreboard.threadsPerSlot(), control.acceptLimit(), line.toString(), workers);
    }

    /**
     * A thread as the scoreboard line shows it: an empty or starting worker's threads are all empty
     * or starting, whatever they last wrote; a leaving worker's threads that serve nothing are leaving.
     */
    private static WorkerThread thread(ThreadSlot record, WorkerState lifecycle, long now) {
        WorkerState state = record.state();
        if (lifecycle == WorkerState.EMPTY || lifecycle == WorkerState.STARTING) {
            state = lifecycle;
        } else if (lifecycle == WorkerState.EXITING && state != WorkerState.BUSY) {
            state = WorkerState.EXITING;
        }
        long busySince = record.busySinceMillis();
        boolean busy = state == WorkerState.BUSY && busySince > 0;
        return new WorkerThread(record.index(), state, record.calls(), busy ? now - busySince : -1,
                busy ? record.client() : null);
    }

    long count(WorkerState state) {
        return workers.stream().filter(w -> w.state() == state).count();
    }

    /** Threads in {@code state} over every live worker. */
    long countThreads(WorkerState state) {
        return workers.stream().flatMap(w -> w.threads().stream()).filter(t -> t.state() == state).count();
    }

    long uptimeMillis() {
        return takenMillis - startedMillis;
    }
}
