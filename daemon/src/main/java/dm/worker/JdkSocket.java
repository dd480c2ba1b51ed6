package dm.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/** A connection the JDK accepted: its blocking channel and the channel's socket streams. */
final class JdkSocket implements ClientSocket {
    private final SocketChannel channel;
    private final InetSocketAddress client;

    JdkSocket(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.client = (InetSocketAddress) channel.getRemoteAddress();
    }

    @Override
    public InetSocketAddress client() {
        return client;
    }

    @Override
    public InputStream input() throws IOException {
        return channel.socket().getInputStream();
    }

    @Override
    public OutputStream output() throws IOException {
        return channel.socket().getOutputStream();
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void setTcpNoDelay() throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException ignored) {
            // already closed: the read has ended anyway
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
