package dm.worker;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * One accepting thread's accept4(2) on the non-blocking listening socket, and the native memory its
 * connections use: the client's address, and the read and write buffers of its {@link NativeSocket}s.
 */
final class NativeAcceptor {
    /** Per direction and thread: a read returns at most this much, a larger write goes out in pieces. */
    static final int BUFFER_BYTES = 16 * 1024;

    private final int listenerFd;
    private final Memory address = new Memory(Libc.SOCKADDR_SIZE);
    private final Memory addressLength = new Memory(4);
    private final Memory readBuffer = new Memory(BUFFER_BYTES);
    private final Memory writeBuffer = new Memory(BUFFER_BYTES);

    NativeAcceptor(int listenerFd) {
        this.listenerFd = listenerFd;
    }

    /** Whether this JVM can accept natively and still give a handler a JDK channel when it asks. */
    static boolean available() {
        return Libc.AVAILABLE && JdkChannels.available();
    }

    /** The next waiting connection (blocking, close-on-exec); null when there is none (another thread got it). */
    NativeSocket accept() throws IOException {
        addressLength.setInt(0, Libc.SOCKADDR_SIZE);
        int fd = Libc.accept4(listenerFd, address, addressLength, Libc.SOCK_CLOEXEC);
        if (fd < 0) {
            int errno = Native.getLastError();
            if (errno == Libc.EAGAIN || errno == Libc.EINTR || errno == Libc.ECONNABORTED) {
                return null;
            }
            throw NativeSocket.failure("accept", errno);
        }
        // One copy of the whole sockaddr: each of Memory's small getters is a native call of its own.
        ByteBuffer sockaddr = ByteBuffer.wrap(address.getByteArray(0, Libc.SOCKADDR_SIZE));
        boolean ipv6 = sockaddr.order(ByteOrder.nativeOrder()).getShort(0) == Libc.AF_INET6;
        return new NativeSocket(fd, ipv6, client(sockaddr, ipv6), readBuffer, writeBuffer);
    }

    /** sockaddr_in: port at 2, address at 4; sockaddr_in6: port at 2, address at 8, scope at 24. */
    private static InetSocketAddress client(ByteBuffer sockaddr, boolean ipv6) {
        int port = sockaddr.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        try {
            InetAddress host;
            if (!ipv6) {
                host = InetAddress.getByAddress(Arrays.copyOfRange(sockaddr.array(), 4, 8));
            } else {
                int scope = sockaddr.order(ByteOrder.nativeOrder()).getInt(24);
                byte[] bytes = Arrays.copyOfRange(sockaddr.array(), 8, 24);
                // An IPv4-mapped address comes back as the Inet4Address the JDK would give.
                host = scope == 0 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, scope);
            }
            return new InetSocketAddress(host, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("accept4 returned an address of family "
                    + sockaddr.order(ByteOrder.nativeOrder()).getShort(0), e);
        }
    }
}
