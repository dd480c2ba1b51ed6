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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.net.Addresses;
import dm.text.Shown;

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
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_DEFER_ACCEPT = 9;

    /** Whether the socket on fd 0 was inherited (null: {@link #open} has not run in this process). */
    private static volatile Boolean fd0Adopted;

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
            InetSocketAddress local = inheritedAddress(libc);
            fd0Adopted = true;
            return new ListenSocket(local, -1, true);
        }
        int fd = bindAndListen(libc, host, port, backlog);
        try {
            libc.dup2(fd, STDIN);
        } catch (LastErrorException e) {
            closeQuietly(libc, fd);
            throw new ListenException("cannot put the listening socket on fd 0: " + libc.strerror(e.getErrorCode()));
        }
        closeQuietly(libc, fd);
        fd0Adopted = false;
        return new ListenSocket(SocketAddressCodec.localAddress(libc, STDIN), backlog, false);
    }

    /**
     * {@code dm-daemon --check}: what {@link #open} would do, undone at once: binds and listens on
     * {@code host:port} and closes again, or finds the listening socket inherited on fd 0. Returns a
     * line saying which; fails with the line {@link #open} would fail with.
     */
    static String probe(String host, int port, int backlog, int deferAcceptMillis) throws ListenException {
        LibC libc = LibC.INSTANCE;
        if (isSocket(libc, STDIN)) {
            InetSocketAddress local = inheritedAddress(libc);
            return "the listening socket will come from fd 0 (" + Addresses.format(local.getAddress(), local.getPort())
                    + ", as systemd passes it): server.bind, server.port, server.backlog and server.defer-accept-ms"
                    + " are not used";
        }
        int fd = bindAndListen(libc, host, port, backlog);
        try {
            if (deferAcceptMillis > 0) {
                setDeferAccept(libc, fd, deferAcceptMillis);
            }
            InetSocketAddress local = SocketAddressCodec.localAddress(libc, fd);
            return "can listen on " + Addresses.format(local.getAddress(), port) + " (bound and released"
                    + (port == 0 ? "; server.port = 0: a free port is chosen at start)" : ")");
        } finally {
            closeQuietly(libc, fd);
        }
    }

    /**
     * server.defer-accept-ms: TCP_DEFER_ACCEPT on the socket {@link #open} created on fd 0, so that
     * a connection reaches accept() only once its first bytes have arrived (or the time is up). Not
     * on a socket inherited on fd 0: that one is its creator's (systemd's, which outlives the daemon
     * and has DeferAcceptSec= for this), as its address and backlog are; a warning says so.
     */
    public static void applyDeferAccept(int millis) {
        if (millis <= 0) {
            return;
        }
        Boolean adopted = fd0Adopted;
        if (adopted == null) {
            throw new IllegalStateException("ListenSocket.open has not run");
        }
        LibC libc = LibC.INSTANCE;
        // Not a static field: --check uses this class too, and must not set up logging.
        Logger log = LoggerFactory.getLogger("supervisor");
        if (adopted) {
            log.warn("server.defer-accept-ms = {} not applied: the listening socket was inherited on fd 0 and keeps"
                    + " its creator's options (systemd: DeferAcceptSec= in dm.socket); its TCP_DEFER_ACCEPT is {} s",
                    millis, deferAcceptSeconds(libc, STDIN));
            return;
        }
        try {
            setDeferAccept(libc, STDIN, millis);
        } catch (ListenException e) {
            throw new IllegalStateException(e.getMessage(), e); // our own listening TCP socket: not to be expected
        }
        log.info("server.defer-accept-ms = {}: a connection reaches a worker once its first bytes arrive, or after {} s"
                + " (TCP_DEFER_ACCEPT)", millis, deferAcceptSeconds(libc, STDIN));
    }

    private static InetSocketAddress inheritedAddress(LibC libc) throws ListenException {
        if (intOption(libc, STDIN, SO_TYPE) != SOCK_STREAM || intOption(libc, STDIN, SO_ACCEPTCONN) != 1) {
            throw new ListenException("fd 0 is a socket but not a listening TCP socket");
        }
        InetSocketAddress local = SocketAddressCodec.localAddress(libc, STDIN);
        if (local == null) {
            throw new ListenException("fd 0 is a listening socket but not an IPv4 or IPv6 one");
        }
        return local;
    }

    /** A new socket bound to {@code host:port} and listening; its fd. */
    private static int bindAndListen(LibC libc, String host, int port, int backlog) throws ListenException {
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ListenException("server.bind = " + Shown.quoted(host) + ": unknown host");
        }
        String where = Addresses.format(bindAddress, port);
        int fd = -1;
        try {
            boolean v6 = bindAddress instanceof Inet6Address;
            fd = libc.socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
            libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new IntByReference(1), 4);
            byte[] sockaddr = v6 ? SocketAddressCodec.sockaddrIn6((Inet6Address) bindAddress, port) : SocketAddressCodec.sockaddrIn((Inet4Address) bindAddress, port);
            libc.bind(fd, sockaddr, sockaddr.length);
            libc.listen(fd, backlog);
            return fd;
        } catch (LastErrorException e) {
            if (fd >= 0) {
                closeQuietly(libc, fd);
            }
            throw new ListenException("cannot listen on " + where + ": " + describe(libc, e.getErrorCode()));
        }
    }

    /** The kernel takes whole seconds (and rounds them up to its SYN-ACK retransmission times). */
    private static void setDeferAccept(LibC libc, int fd, int millis) throws ListenException {
        int seconds = (int) ((millis + 999L) / 1000);
        try {
            libc.setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, new IntByReference(seconds), 4);
        } catch (LastErrorException e) {
            throw new ListenException("server.defer-accept-ms = " + millis + ": cannot set TCP_DEFER_ACCEPT: "
                    + libc.strerror(e.getErrorCode()));
        }
    }

    private static int deferAcceptSeconds(LibC libc, int fd) {
        IntByReference value = new IntByReference();
        IntByReference length = new IntByReference(4);
        libc.getsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, value, length);
        return value.getValue();
    }

    private static void closeQuietly(LibC libc, int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException ignored) {
            // already failing, or already closed
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

    public int port() {
        return address.getPort();
    }

    /** -1 when adopted: the creator chose it. */
    public int backlog() {
        return backlog;
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
