package dm.ctl;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dm.net.ListenQueue;
import dm.scoreboard.Control;
import dm.scoreboard.ParentStatus;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/** Everything dm-ctl shows about a daemon, read from the scoreboard (and /proc) at one moment. */
record PoolSnapshot(long takenMillis, long supervisorPid, ParentStatus status, long startedMillis, int port,
        Path scoreboardFile, long accepted, long maxBusy, long maxReached, long slowRequests, long clientResets,
        long timeoutKills, long listenQueue, long maxListenQueue, int backlog, String scoreboardLine, List<Worker> workers) {

    /**
     * One live slot. {@code busyMillis} is -1 when idle; {@code client} is null when idle; {@code pssKib}
     * is 0 until the supervisor has read it (worker.pss-interval-ms).
     */
    record Worker(int slot, long pid, WorkerState state, long startedMillis, long calls, long busyMillis,
            InetSocketAddress client, long pssKib) {
    }

    static PoolSnapshot take(Scoreboard scoreboard) {
        long now = System.currentTimeMillis();
        Control control = scoreboard.control();
        StringBuilder line = new StringBuilder();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < scoreboard.slotCount(); i++) {
            Slot slot = scoreboard.slot(i);
            WorkerState state = slot.state();
            line.append(state.symbol());
            long pid = slot.pid();
            if (state == WorkerState.EMPTY && pid == 0) {
                continue;
            }
            long busySince = slot.busySinceMillis();
            boolean busy = state == WorkerState.BUSY && busySince > 0;
            workers.add(new Worker(i, pid, state, slot.startedMillis(), slot.calls(), busy ? now - busySince : -1,
                    busy ? slot.client() : null, slot.pssKib()));
        }
        int port = control.port();
        return new PoolSnapshot(now, control.supervisorPid(), control.status(), control.startedMillis(), port,
                scoreboard.file(), control.accepted(), control.maxBusy(), control.maxReached(), control.slowRequests(),
                control.clientResets(), control.timeoutKills(), port > 0 ? ListenQueue.length(port) : -1,
                control.maxListenQueue(), control.backlog(), line.toString(), workers);
    }

    long count(WorkerState state) {
        return workers.stream().filter(w -> w.state() == state).count();
    }

    long uptimeMillis() {
        return takenMillis - startedMillis;
    }
}
