package dm.worker;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The handler's input stream: plain blocking reads of the connection, each watched by its
 * thread's {@link ReadWatch}. A read waits at most {@link ReadTimeouts#firstByteMillis} until the
 * first byte has arrived and {@link ReadTimeouts#afterFirstByteMillis} after that; one that waits
 * longer ends in a {@link SocketTimeoutException}, and the connection's input is shut down. Counts
 * the bytes read, for the access log.
 */
final class WatchedInput extends InputStream {
    private final InputStream in;
    private final ReadWatch watch;
    private final ReadTimeouts timeouts;
    private final byte[] one = new byte[1];
    private boolean received;
    private long bytes;

    WatchedInput(InputStream in, ReadWatch watch, ReadTimeouts timeouts) {
        this.in = in;
        this.watch = watch;
        this.timeouts = timeouts;
    }

    /** True once a byte (or the end of the stream) has arrived. */
    boolean received() {
        return received;
    }

    /** Bytes read so far. */
    long bytes() {
        return bytes;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int millis = received ? timeouts.afterFirstByteMillis() : timeouts.firstByteMillis();
        watch.arm(millis);
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            if (watch.disarm()) {
                throw timedOut(millis);
            }
            throw e;
        }
        if (watch.disarm()) {
            throw timedOut(millis);
        }
        received = true;
        if (n > 0) {
            bytes += n;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static SocketTimeoutException timedOut(int millis) {
        return new SocketTimeoutException("nothing received for " + millis + " ms");
    }
}
