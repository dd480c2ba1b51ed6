package dm.daemon;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.ptr.IntByReference;

/** struct sockaddr_in and sockaddr_in6 to and from Java's addresses, for the native calls of {@link ListenSocket}. */
final class SocketAddressCodec {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private SocketAddressCodec() {
    }

    static InetSocketAddress localAddress(ListenSocket.LibC libc, int fd) {
        byte[] buffer = new byte[128];
        IntByReference length = new IntByReference(buffer.length);
        libc.getsockname(fd, buffer, length);
        ByteBuffer bytes = ByteBuffer.wrap(buffer);
        int family = bytes.order(ByteOrder.nativeOrder()).getShort(0);
        int port = bytes.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        try {
            if (family == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(buffer, 4, 8)), port);
            }
            if (family == AF_INET6) {
                return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(buffer, 8, 24)), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    static byte[] sockaddrIn(Inet4Address address, int port) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        b.position(4);
        b.put(address.getAddress());
        return b.array();
    }

    static byte[] sockaddrIn6(Inet6Address address, int port) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) AF_INET6);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        b.position(8);
        b.put(address.getAddress());
        b.order(ByteOrder.nativeOrder()).putInt(24, address.getScopeId());
        return b.array();
    }
}
