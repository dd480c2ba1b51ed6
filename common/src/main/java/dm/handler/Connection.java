package dm.handler;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/** One accepted client connection, handed to {@link ConnectionHandler#handle}. */
public interface Connection {

    /** Bytes from the client; end of stream when the client shuts down its side. */
    InputStream input();

    /** Bytes to the client. TCP_NODELAY is on, so each write leaves at once. */
    OutputStream output();

    /** The underlying blocking channel, for handlers that prefer NIO buffers. */
    SocketChannel channel();

    /** The client's address and port. */
    InetSocketAddress client();

    /** The worker serving this connection. */
    WorkerContext worker();
}
