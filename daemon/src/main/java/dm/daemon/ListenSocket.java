package dm.daemon;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

import dm.net.Addresses;

/**
 * The one listening socket of the pool, always on file descriptor 0 of the supervisor, so that
 * every worker JVM started with stdin inherited finds it on its own fd 0 and blocks in accept().
 *
 * <p>If fd 0 already is a listening TCP socket (systemd {@code StandardInput=socket}, or a socket
 * handed over by a test) it is adopted; otherwise one is created natively and moved to fd 0. The
 * JDK cannot put a socket it creates on fd 0 without reaching into its internals, and ProcessBuilder
 * passes a child nothing but fds 0, 1 and 2.
 *
 * <p>The socket stays in blocking mode: O_NONBLOCK lives on the open file description that every
 * worker shares, so one non-blocking worker would make them all non-blocking.
 */
public final class ListenSocket {
    private static final int STDIN = 0;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int ENOTSOCK = 88;
    private static final int EADDRINUSE = 98;
    private static final int EADDRNOTAVAIL = 99;
    private static final int EACCES = 13;

    /** The socket could not be had; the message names address, port and cause. */
    public static final class ListenException extends Exception {
        private static final long serialVersionUID = 1L;

        ListenException(String message) {
            super(message);
        }
    }

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

        int getsockopt(int fd, int level, int name, IntByReference value, IntByReference length) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        int listen(int fd, int backlog) throws LastErrorException;

        int getsockname(int fd, byte[] address, IntByReference length) throws LastErrorException;

        int dup2(int from, int to) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        String strerror(int errno);
    }

    private final InetSocketAddress address;
    private final int backlog;
    private final boolean adopted;

    private ListenSocket(InetSocketAddress address, int backlog, boolean adopted) {
        this.address = address;
        this.backlog = backlog;
        this.adopted = adopted;
    }

    /** Adopts a listening socket on fd 0, or binds {@code host:port} and puts the socket on fd 0. */
    public static ListenSocket open(String host, int port, int backlog) throws ListenException {
        LibC libc = LibC.INSTANCE;
        if (isSocket(libc, STDIN)) {
            if (intOption(libc, STDIN, SO_TYPE) != SOCK_STREAM || intOption(libc, STDIN, SO_ACCEPTCONN) != 1) {
                throw new ListenException("fd 0 is a socket but not a listening TCP socket");
            }
            InetSocketAddress local = localAddress(libc, STDIN);
            if (local == null) {
                throw new ListenException("fd 0 is a listening socket but not an IPv4 or IPv6 one");
            }
            return new ListenSocket(local, -1, true);
        }
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ListenException("server.bind = '" + host + "': unknown host");
        }
        String where = Addresses.format(bindAddress, port);
        int fd = -1;
        try {
            boolean v6 = bindAddress instanceof Inet6Address;
            fd = libc.socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
            libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new IntByReference(1), 4);
            byte[] sockaddr = v6 ? sockaddrIn6((Inet6Address) bindAddress, port) : sockaddrIn((Inet4Address) bindAddress, port);
            libc.bind(fd, sockaddr, sockaddr.length);
            libc.listen(fd, backlog);
            libc.dup2(fd, STDIN);
            libc.close(fd);
            fd = -1;
            return new ListenSocket(localAddress(libc, STDIN), backlog, false);
        } catch (LastErrorException e) {
            if (fd >= 0) {
                try {
                    libc.close(fd);
                } catch (LastErrorException ignored) {
                    // already failing
                }
            }
            throw new ListenException("cannot listen on " + where + ": " + describe(libc, e.getErrorCode()));
        }
    }

    private static String describe(LibC libc, int errno) {
        switch (errno) {
            case EADDRINUSE:
                return "address already in use";
            case EADDRNOTAVAIL:
                return "address not available on this machine";
            case EACCES:
                return "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
            default:
                return libc.strerror(errno);
        }
    }

    private static boolean isSocket(LibC libc, int fd) {
        try {
            intOption(libc, fd, SO_TYPE);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOTSOCK || e.getErrorCode() == 9 /* EBADF: fd 0 closed */) {
                return false;
            }
            throw e;
        }
    }

    private static int intOption(LibC libc, int fd, int name) {
        IntByReference value = new IntByReference();
        IntByReference length = new IntByReference(4);
        libc.getsockopt(fd, SOL_SOCKET, name, value, length);
        return value.getValue();
    }

    private static InetSocketAddress localAddress(LibC libc, int fd) {
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

    private static byte[] sockaddrIn(Inet4Address address, int port) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        b.position(4);
        b.put(address.getAddress());
        return b.array();
    }

    private static byte[] sockaddrIn6(Inet6Address address, int port) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.order(ByteOrder.nativeOrder()).putShort(0, (short) AF_INET6);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        b.position(8);
        b.put(address.getAddress());
        b.order(ByteOrder.nativeOrder()).putInt(24, address.getScopeId());
        return b.array();
    }


    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** -1 when adopted: the creator chose it. */
    public int backlog() {
        return backlog;
    }

    public boolean adopted() {
        return adopted;
    }

    public String describe() {
        return Addresses.format(address.getAddress(), address.getPort())
                + (adopted ? " (socket inherited on fd 0)" : " (backlog " + backlog + ")");
    }

    /** Closes the supervisor's copy; the workers' copies keep the socket open until they exit. */
    public void close() {
        try {
            LibC.INSTANCE.close(STDIN);
        } catch (LastErrorException ignored) {
            // already closed
        }
    }
}
