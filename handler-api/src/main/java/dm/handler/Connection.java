package dm.handler;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/** One accepted client connection, handed to {@link ConnectionHandler#handle}. */
public interface Connection {

    /**
     * Bytes from the client.
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
     * The underlying channel, for handlers that prefer NIO buffers.
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
