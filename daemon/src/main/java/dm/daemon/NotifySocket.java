package dm.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The datagram socket systemd listens on for a service's notifications ({@code $NOTIFY_SOCKET},
 * sd_notify(3)): an AF_UNIX datagram socket, named by a path or, with a leading '@', in the
 * abstract namespace. The JDK has AF_UNIX stream channels only, so the socket is made natively.
 * It is opened close-on-exec: a worker JVM never holds it.
 */
final class NotifySocket implements AutoCloseable {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un): sun_family (2 bytes) and sun_path (108). */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int SUN_PATH_MAX = 108;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        long sendto(int fd, byte[] message, long length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final String address;
    private final byte[] sockaddr;
    private final int sockaddrLength;
    private int fd;

    private NotifySocket(String address, byte[] sockaddr, int sockaddrLength, int fd) {
        this.address = address;
        this.sockaddr = sockaddr;
        this.sockaddrLength = sockaddrLength;
        this.fd = fd;
    }

    /** A socket that sends to {@code address} (a path, or '@' and an abstract name); nothing is sent yet. */
    static NotifySocket open(String address) throws IOException {
        byte[] sockaddr = new byte[SOCKADDR_UN_SIZE];
        int length = encode(address, sockaddr);
        try {
            int fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            return new NotifySocket(address, sockaddr, length, fd);
        } catch (LastErrorException e) {
            throw new IOException("cannot create a datagram socket for NOTIFY_SOCKET " + address + ": errno "
                    + e.getErrorCode());
        }
    }

    /**
     * Fills {@code sockaddr} as a struct sockaddr_un for {@code address}; returns the length to pass
     * to sendto(): an abstract name counts exactly its bytes (no terminating NUL), a path its NUL too.
     */
    static int encode(String address, byte[] sockaddr) throws IOException {
        boolean abstractName = address.startsWith("@");
        if (!abstractName && !address.startsWith("/")) {
            throw new IOException("NOTIFY_SOCKET " + address + " is neither an absolute path nor an abstract name (@...)");
        }
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            throw new IOException("NOTIFY_SOCKET " + address + " is longer than " + (SUN_PATH_MAX - 1) + " bytes");
        }
        ByteBuffer.wrap(sockaddr).order(ByteOrder.nativeOrder()).putShort((short) AF_UNIX);
        System.arraycopy(name, 0, sockaddr, 2, name.length);
        if (abstractName) {
            sockaddr[2] = 0; // the '@' stands for the leading NUL of the abstract namespace
            return 2 + name.length;
        }
        sockaddr[2 + name.length] = 0;
        return 2 + name.length + 1;
    }

    /** Sends one datagram (one or more VARIABLE=value lines). */
    void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            LibC.INSTANCE.sendto(fd, bytes, bytes.length, MSG_NOSIGNAL, sockaddr, sockaddrLength);
        } catch (LastErrorException e) {
            throw new IOException("cannot notify systemd on " + address + ": errno " + e.getErrorCode());
        }
    }

    String address() {
        return address;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try {
                LibC.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // closing a datagram socket cannot lose anything
            }
            fd = -1;
        }
    }
}
