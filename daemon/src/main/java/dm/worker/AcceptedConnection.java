package dm.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

import dm.handler.Connection;
import dm.handler.WorkerContext;

/**
 * The {@link Connection} a handler sees: streams over the accepted blocking channel, the input
 * with the read timeouts, both counting bytes for the access log. Reads and writes made on
 * {@link #channel()} directly have no timeout and are not counted.
 */
final class AcceptedConnection implements Connection {
    private final SocketChannel channel;
    private final InetSocketAddress client;
    private final WorkerContext worker;
    private final WatchedInput input;
    private final CountedOutput output;

    AcceptedConnection(SocketChannel channel, InetSocketAddress client, WorkerContext worker, ReadWatch watch,
            ReadTimeouts timeouts) throws IOException {
        this.channel = channel;
        this.client = client;
        this.worker = worker;
        this.input = new WatchedInput(channel.socket().getInputStream(), watch, timeouts);
        this.output = new CountedOutput(channel.socket().getOutputStream());
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
        return channel;
    }

    @Override
    public InetSocketAddress client() {
        return client;
    }

    @Override
    public WorkerContext worker() {
        return worker;
    }
}
