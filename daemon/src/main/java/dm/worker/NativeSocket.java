package dm.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.Objects;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * A connection accepted with accept4(2) and read and written with plain read(2) and write(2), as a
 * C prefork server does. The JDK's accept() costs three more system calls per connection (two
 * getsockname, an fcntl) and a lock that the accepting threads of a worker queue on; its socket
 * streams go through interruptible-channel bookkeeping, locks and a temporary direct buffer on
 * every read and write. Measured with one client on this machine, a plain JDK echo server used
 * about 40 µs more CPU per short connection than the same server making these calls itself.
 *
 * <p>The bytes pass through the accepting thread's two native buffers (one for reads, one for
 * writes, reused for every connection). The streams are for the thread serving the connection,
 * during {@link dm.handler.ConnectionHandler#handle}; a read and a write may run on two threads at
 * once. The JDK channel is made only when the handler asks for it ({@link JdkChannels}); it then
 * owns the descriptor.
 */
final class NativeSocket implements ClientSocket {
    private static final Memory ONE = one();

    private final int fd;
    private final boolean ipv6;
    private final InetSocketAddress client;
    private final Input input;
    private final Output output;
    /** Guards {@link #closed} and {@link #channel}: the watchdog's shutdown must never reach a closed, reused descriptor. */
    private final Object lock = new Object();
    private volatile boolean closed;
    private SocketChannel channel;

    NativeSocket(int fd, boolean ipv6, InetSocketAddress client, Memory readBuffer, Memory writeBuffer) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.client = client;
        this.input = new Input(readBuffer);
        this.output = new Output(writeBuffer);
    }

    private static Memory one() {
        Memory one = new Memory(4);
        one.setInt(0, 1);
        return one;
    }

    @Override
    public InetSocketAddress client() {
        return client;
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public SocketChannel channel() throws IOException {
        synchronized (lock) {
            ensureOpen();
            if (channel == null) {
                channel = JdkChannels.adopt(fd, ipv6, client);
            }
            return channel;
        }
    }

    @Override
    public void setTcpNoDelay() throws IOException {
        if (Libc.setsockopt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, ONE, 4) < 0) {
            throw failure("setsockopt(TCP_NODELAY)", Native.getLastError());
        }
    }

    @Override
    public void shutdownInput() {
        synchronized (lock) {
            if (!closed) {
                Libc.shutdown(fd, Libc.SHUT_RD);
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (channel != null) {
                channel.close();
            } else if (Libc.close(fd) < 0) {
                throw failure("close", Native.getLastError());
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    /**
     * The JDK's exceptions and words where a handler or {@link ClientReset} may look for them
     * (SocketException "Connection reset", IOException "Broken pipe"), errno for the rest.
     */
    static IOException failure(String call, int errno) {
        return switch (errno) {
            case Libc.ECONNRESET -> new SocketException("Connection reset");
            case Libc.EPIPE -> new IOException("Broken pipe");
            default -> new IOException(call + " failed: errno " + errno);
        };
    }

    private final class Input extends InputStream {
        private final Memory buffer;

        Input(Memory buffer) {
            this.buffer = buffer;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            ensureOpen();
            long n;
            do {
                n = Libc.read(fd, buffer, Math.min(length, buffer.size()));
            } while (n < 0 && Native.getLastError() == Libc.EINTR);
            if (n < 0) {
                throw failure("read", Native.getLastError());
            }
            if (n == 0) {
                return -1;
            }
            buffer.read(0, bytes, offset, (int) n);
            return (int) n;
        }

        @Override
        public synchronized int available() throws IOException {
            ensureOpen();
            return Libc.ioctl(fd, Libc.FIONREAD, buffer) < 0 ? 0 : buffer.getInt(0);
        }

        @Override
        public void close() throws IOException {
            NativeSocket.this.close(); // as the JDK's socket streams do
        }
    }

    private final class Output extends OutputStream {
        private final Memory buffer;

        Output(Memory buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            ensureOpen();
            while (length > 0) {
                int chunk = (int) Math.min(length, buffer.size());
                buffer.write(0, bytes, offset, chunk);
                long n;
                do {
                    n = Libc.write(fd, buffer, chunk);
                } while (n < 0 && Native.getLastError() == Libc.EINTR);
                if (n < 0) {
                    throw failure("write", Native.getLastError());
                }
                offset += (int) n;
                length -= (int) n;
            }
        }

        @Override
        public void close() throws IOException {
            NativeSocket.this.close();
        }
    }
}
