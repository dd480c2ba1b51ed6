package dm.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Starts worker JVMs. The worker's stdin is inherited: it is the listening socket (fd 0). Its
 * stdout and stderr go through one pipe to an {@link OutputRelay}.
 */
final class JvmLauncher implements Launcher {
    private final PrintStream output;

    JvmLauncher(PrintStream output) {
        this.output = output;
    }

    @Override
    public WorkerHandle start(int slot, WorkerCommand command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectErrorStream(true);
        // The supervisor speaks for the service to systemd; a worker (or a library in a handler) must not.
        builder.environment().keySet().removeAll(ServiceNotifier.SYSTEMD_VARIABLES);
        Process process = builder.start();
        new OutputRelay(process.getInputStream(), output, slot, process.pid()).start();
        return new JvmWorker(process);
    }

    /** A worker JVM this supervisor started. */
    private static final class JvmWorker implements WorkerHandle {
        private final Process process;

        JvmWorker(Process process) {
            this.process = process;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void kill() {
            process.destroyForcibly();
        }

        @Override
        public void quit() {
            ProcessSignals.send(process, ProcessSignals.SIGQUIT);
        }

        @Override
        public void nudge() {
            ProcessSignals.send(process, ProcessSignals.SIGWINCH);
        }

        @Override
        public void onExit(IntConsumer listener) {
            process.onExit().thenAccept(p -> listener.accept(p.exitValue()));
        }

        @Override
        public int exitValue() {
            return process.exitValue();
        }

        @Override
        public boolean awaitExit(long nanos) throws InterruptedException {
            return process.waitFor(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
