package dm.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import dm.ExitCodes;
import dm.scoreboard.Scoreboard;
import dm.scoreboard.ShutdownRequest;
import dm.scoreboard.Slot;
import dm.scoreboard.WorkerState;

/**
 * Starts pretend workers: no process, only a pid, an exit the test triggers, and the worker's
 * side of the real scoreboard record, written the way a worker JVM writes it. It is also where the
 * loop reads their PSS: whatever the test gave each with {@link FakeWorker#pss}.
 */
final class FakeLauncher implements Launcher, PssSource {
    private final Scoreboard scoreboard;
    private final List<FakeWorker> started = new ArrayList<>();
    private long nextPid = 1000;
    private String failNextStart;

    FakeLauncher(Scoreboard scoreboard) {
        this.scoreboard = scoreboard;
    }

    @Override
    public WorkerHandle start(int slot, WorkerCommand command) throws IOException {
        if (failNextStart != null) {
            String message = failNextStart;
            failNextStart = null;
            throw new IOException(message);
        }
        FakeWorker worker = new FakeWorker(nextPid++, scoreboard.slot(slot), command);
        started.add(worker);
        return worker;
    }

    /** At once, on the loop's thread: the figures reach the loop as an event on its next turn. */
    @Override
    public void read(List<Long> pids, Consumer<Map<Long, Long>> done) {
        Map<Long, Long> kibByPid = new HashMap<>();
        for (FakeWorker worker : started) {
            if (pids.contains(worker.pid) && worker.alive && worker.pssKib > 0) {
                kibByPid.put(worker.pid, worker.pssKib);
            }
        }
        done.accept(kibByPid);
    }

    void failNextStart(String message) {
        failNextStart = message;
    }

    /** Every worker started so far, oldest first. */
    List<FakeWorker> started() {
        return started;
    }

    List<FakeWorker> alive() {
        return started.stream().filter(FakeWorker::isAlive).toList();
    }

    FakeWorker inSlot(int slot) {
        return alive().stream().filter(w -> w.slot.index() == slot).findFirst().orElseThrow(
                () -> new AssertionError("no live worker in slot " + slot));
    }

    /** Every live worker that is not busy and was asked to leave does so, as a real one would. */
    void obeyRequests() {
        for (FakeWorker worker : alive()) {
            if (worker.slot.request() != ShutdownRequest.NORMAL && worker.slot.state() != WorkerState.BUSY) {
                worker.exit(ExitCodes.WORKER_LEFT);
            }
        }
    }

    /** Every live worker still starting begins to accept. */
    void allAccept() {
        for (FakeWorker worker : alive()) {
            if (worker.slot.state() == WorkerState.STARTING) {
                worker.accept();
            }
        }
    }

    static final class FakeWorker implements WorkerHandle {
        final long pid;
        final Slot slot;
        final WorkerCommand command;
        private boolean alive = true;
        private int exitValue = -1;
        private IntConsumer listener = value -> { };
        private long pssKib;
        /** SIGQUITs received. */
        int quits;
        /** SIGWINCHes received. */
        int nudges;

        FakeWorker(long pid, Slot slot, WorkerCommand command) {
            this.pid = pid;
            this.slot = slot;
            this.command = command;
        }

        /** Its threads block in accept(), and then it says so, as AcceptLoop and Worker write it. */
        void accept() {
            for (int t = 0; t < slot.threadCount(); t++) {
                slot.thread(t).setState(WorkerState.IDLE);
            }
            slot.setState(WorkerState.IDLE);
        }

        /** Its first thread takes a connection. */
        void busy(long sinceMillis) {
            busy(0, sinceMillis);
        }

        void busy(int thread, long sinceMillis) {
            slot.thread(thread).beginConnection(new java.net.InetSocketAddress("127.0.0.1", 40000 + thread),
                    sinceMillis);
        }

        /** What the loop reads as its PSS from now on (0: cannot be read). */
        void pss(long kib) {
            pssKib = kib;
        }

        /** Every thread is done with its connection. */
        void idle() {
            for (int t = 0; t < slot.threadCount(); t++) {
                idle(t);
            }
        }

        void idle(int thread) {
            if (slot.thread(thread).state() == WorkerState.BUSY) {
                slot.thread(thread).endConnection();
            }
        }

        void exit(int value) {
            if (alive) {
                alive = false;
                exitValue = value;
                listener.accept(value);
            }
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public void kill() {
            exit(128 + 9);
        }

        @Override
        public void nudge() {
            nudges++;
        }

        @Override
        public void quit() {
            quits++; // a JVM prints its thread dump and runs on
        }

        @Override
        public void onExit(IntConsumer exitListener) {
            this.listener = exitListener;
        }

        @Override
        public int exitValue() {
            return exitValue;
        }

        @Override
        public boolean awaitExit(long nanos) {
            return !alive;
        }
    }
}
