package dm.worker;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The handler's input stream. Reads wait {@link ReadTimeouts#firstByteMillis} until the first byte
 * arrives and {@link ReadTimeouts#afterFirstByteMillis} after that: the socket's SO_TIMEOUT is
 * changed once, on the first byte (the JDK's socket stream reads it at every read).
 */
final class FirstByteInput extends FilterInputStream {
    private final Socket socket;
    private final int afterFirstByteMillis;
    private boolean received;

    FirstByteInput(Socket socket, ReadTimeouts timeouts) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        this.afterFirstByteMillis = timeouts.afterFirstByteMillis();
        socket.setSoTimeout(timeouts.firstByteMillis());
    }

    /** True once a byte (or the end of the stream) has arrived. */
    boolean received() {
        return received;
    }

    @Override
    public int read() throws IOException {
        return arrived(in.read());
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        return length == 0 ? n : arrived(n);
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            arrived(1);
        }
        return skipped;
    }

    private int arrived(int result) throws IOException {
        if (!received) {
            received = true;
            socket.setSoTimeout(afterFirstByteMillis);
        }
        return result;
    }
}
