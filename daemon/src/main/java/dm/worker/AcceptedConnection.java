package dm.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

import dm.handler.Connection;
import dm.handler.WorkerContext;

/** The {@link Connection} a handler sees: streams over the accepted blocking channel. */
final class AcceptedConnection implements Connection {
    private final SocketChannel channel;
    private final InetSocketAddress client;
    private final WorkerContext worker;
    private final FirstByteInput input;
    private final OutputStream output;

    AcceptedConnection(SocketChannel channel, InetSocketAddress client, WorkerContext worker, ReadTimeouts timeouts)
            throws IOException {
        this.channel = channel;
        this.client = client;
        this.worker = worker;
        this.input = new FirstByteInput(channel.socket(), timeouts);
        this.output = channel.socket().getOutputStream();
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
