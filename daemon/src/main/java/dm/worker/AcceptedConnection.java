package dm.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

import dm.handler.Connection;
import dm.handler.WorkerContext;

/**
 * The {@link Connection} a handler sees: streams over the accepted connection, the input with the
 * read timeouts, both counting bytes for the access log. Reads and writes made on {@link #channel()}
 * directly have no timeout and are not counted.
 */
final class AcceptedConnection implements Connection {
    private final ClientSocket socket;
    private final WorkerContext worker;
    private final WatchedInput input;
    private final CountedOutput output;

    AcceptedConnection(ClientSocket socket, WorkerContext worker, ReadWatch watch, ReadTimeouts timeouts)
            throws IOException {
        this.socket = socket;
        this.worker = worker;
        this.input = new WatchedInput(socket.input(), watch, timeouts);
        this.output = new CountedOutput(socket.output());
    }

    long bytesIn() {
        return input.bytes();
    }

    long bytesOut() {
        return output.bytes();
    }

    /** True once the client has sent a byte (or closed its side). */
    boolean receivedAnything() {
        return input.received();
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
    public SocketChannel channel() {
        try {
            return socket.channel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InetSocketAddress client() {
        return socket.client();
    }

    @Override
    public WorkerContext worker() {
        return worker;
    }
}
