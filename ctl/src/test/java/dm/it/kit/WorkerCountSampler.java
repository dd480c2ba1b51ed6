package dm.it.kit;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts a daemon's worker JVMs over and over on a thread of its own, to catch the fewest there ever were. */
public final class WorkerCountSampler {
    private final AtomicBoolean sampling = new AtomicBoolean(true);
    private final AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger samples = new AtomicInteger();
    private final Thread thread;

    private WorkerCountSampler(DaemonUnderTest daemon) {
        thread = new Thread(() -> {
            while (sampling.get()) {
                fewest.accumulateAndGet(daemon.workerProcesses().size(), Math::min);
                samples.incrementAndGet();
                try {
                    Thread.sleep(1); // not a spin: the daemon's JVMs need the CPU to boot
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "worker-count-sampler");
    }

    public static WorkerCountSampler start(DaemonUnderTest daemon) {
        WorkerCountSampler sampler = new WorkerCountSampler(daemon);
        sampler.thread.start();
        return sampler;
    }

    public void stop() throws InterruptedException {
        sampling.set(false);
        thread.join();
    }

    public int fewest() {
        return fewest.get();
    }

    public int samples() {
        return samples.get();
    }
}
