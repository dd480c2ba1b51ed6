package dm.worker;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * One accepted connection as its accepting thread serves it: either the kernel's socket read and
 * written directly ({@link NativeSocket}, what workers use) or the JDK's channel ({@link JdkSocket},
 * where JNA or the JDK's internals are not to be had).
 */
interface ClientSocket extends Closeable {

    InetSocketAddress client();

    /** Unbuffered, untimed (the handler gets it wrapped in a {@link WatchedInput}). */
    InputStream input() throws IOException;

    /** Unbuffered: every write goes out at once. */
    OutputStream output() throws IOException;

    /** The connection as a JDK channel, in blocking mode. */
    SocketChannel channel() throws IOException;

    void setTcpNoDelay() throws IOException;

    /** The watchdog: ends a read blocked on this connection; nothing once it is closed. */
    void shutdownInput();
}
