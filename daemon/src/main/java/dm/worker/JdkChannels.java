package dm.worker;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Makes a JDK SocketChannel of a connection accepted with accept4(2), for a handler that asks for
 * {@link dm.handler.Connection#channel()}: the JDK has no public way to adopt a file descriptor, so
 * this calls the constructor its own ServerSocketChannel.accept() uses (sun.nio.ch, opened to dm by
 * bin/jvm.args). Looked up once; when that fails (a JDK that changed it), workers accept through
 * the JDK instead, so a handler always gets a working channel.
 */
final class JdkChannels {
    private static final Constructor<?> CHANNEL;
    private static final Method NEW_FD;

    static {
        Constructor<?> channel = null;
        Method newFd = null;
        try {
            channel = Class.forName("sun.nio.ch.SocketChannelImpl").getDeclaredConstructor(SelectorProvider.class,
                    ProtocolFamily.class, FileDescriptor.class, SocketAddress.class);
            newFd = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("newFD", int.class);
            channel.setAccessible(true);
            newFd.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            channel = null;
            newFd = null;
        }
        CHANNEL = channel;
        NEW_FD = newFd;
    }

    private JdkChannels() {
    }

    static boolean available() {
        return CHANNEL != null;
    }

    /** The channel takes {@code fd} over: closing it closes the connection. */
    static SocketChannel adopt(int fd, boolean ipv6, SocketAddress client) throws IOException {
        try {
            Object descriptor = NEW_FD.invoke(null, fd);
            return (SocketChannel) CHANNEL.newInstance(SelectorProvider.provider(),
                    ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET, descriptor, client);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot make a channel of the connection: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot make a channel of the connection: " + e, e);
        }
    }
}
