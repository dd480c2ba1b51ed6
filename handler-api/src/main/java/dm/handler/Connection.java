package dm.handler;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/** One accepted client connection, handed to {@link ConnectionHandler#handle}. */
public interface Connection {

    /**
     * Bytes from the client. A read that waits longer than worker.first-byte-timeout-ms (before the
     * first byte) or worker.read-timeout-ms (after it) throws {@link java.net.SocketTimeoutException},
     * up to a tenth of a second late, and the connection's input is shut down.
     *
     * @return the input stream; end of stream when the client shuts down its side
     */
    InputStream input();

    /**
     * Bytes to the client.
     *
     * @return the output stream; TCP_NODELAY is on, so each write leaves at once
     */
    OutputStream output();

    /**
     * The underlying channel, for handlers that prefer NIO buffers. Its reads have no timeout, and
     * the access log (log.access-file) counts only the bytes that go through {@link #input()} and
     * {@link #output()}.
     *
     * @return the accepted channel, in blocking mode
     */
    SocketChannel channel();

    /**
     * The client's address.
     *
     * @return the client's address and port
     */
    InetSocketAddress client();

    /**
     * The worker serving this connection.
     *
     * @return the same context that {@link ConnectionHandler#start} was given
     */
    WorkerContext worker();
}
