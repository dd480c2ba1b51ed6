package dm.worker;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Closes the inherited listening channel without losing the worker's fds 1 and 2. The JDK, closing
 * an inherited channel, points fds 0, 1 and 2 at /dev/null; Java's own streams are safe from that
 * (WorkerMain writes through its own descriptors of the pipe), but the JVM itself writes to fd 1:
 * the thread dump of a SIGQUIT, which the supervisor sends before a request-timeout kill, would be
 * lost for a worker that was asked to leave and then got stuck. So fd 1 is copied before the close
 * and both are put back on the supervisor's pipe after it.
 */
final class OutputKeeper {
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int dup(int fd) throws LastErrorException;

        int dup2(int from, int to) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private OutputKeeper() {
    }

    static void close(ServerSocketChannel listener) throws IOException {
        int saved = -1;
        try {
            saved = LibC.INSTANCE.dup(1);
        } catch (LastErrorException | LinkageError e) {
            // no copy: the JVM's own output after the close goes to /dev/null, as it did before
        }
        try {
            listener.close();
        } finally {
            if (saved >= 0) {
                restore(saved);
            }
        }
    }

    private static void restore(int saved) {
        try {
            LibC.INSTANCE.dup2(saved, 1);
            LibC.INSTANCE.dup2(saved, 2);
        } catch (LastErrorException e) {
            // left on /dev/null
        } finally {
            try {
                LibC.INSTANCE.close(saved);
            } catch (LastErrorException e) {
                // nothing more to do
            }
        }
    }
}
