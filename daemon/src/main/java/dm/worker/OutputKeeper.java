package dm.worker;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;

/**
 * Closes the inherited listening channel without losing the worker's fds 1 and 2. The JDK, closing
 * an inherited channel, points fds 0, 1 and 2 at /dev/null; Java's own streams are safe from that
 * (WorkerMain writes through its own descriptors of the pipe), but the JVM itself writes to fd 1:
 * the thread dump of a SIGQUIT, which the supervisor sends before a request-timeout kill, would be
 * lost for a worker that was asked to leave and then got stuck. So fd 1 is copied before the close
 * and both are put back on the supervisor's pipe after it.
 */
final class OutputKeeper {
    private OutputKeeper() {
    }

    static void close(ServerSocketChannel listener) throws IOException {
        // No copy without JNA: the JVM's own output after the close goes to /dev/null, as it did before.
        int saved = Libc.AVAILABLE ? Libc.dup(1) : -1;
        try {
            listener.close();
        } finally {
            if (saved >= 0) {
                Libc.dup2(saved, 1); // on failure left on /dev/null
                Libc.dup2(saved, 2);
                Libc.close(saved);
            }
        }
    }
}
