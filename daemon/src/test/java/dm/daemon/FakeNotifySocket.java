package dm.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * systemd's end of NOTIFY_SOCKET in a test: a real AF_UNIX datagram socket bound to a path (or an
 * abstract name, '@...'), from which the test reads back every datagram sent to it. sendto() on
 * a Unix datagram socket has queued the datagram by the time it returns, so whatever a turn of
 * the loop sent is there to read right after it.
 */
final class FakeNotifySocket implements AutoCloseable {
    private static final int MSG_DONTWAIT = 0x40;
    private static final int EAGAIN = 11;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    final String address;
    private final int fd;

    FakeNotifySocket(String address) throws IOException {
        this.address = address;
        byte[] sockaddr = new byte[110];
        int length = NotifySocket.encode(address, sockaddr);
        fd = LibC.INSTANCE.socket(NotifySocket.AF_UNIX, NotifySocket.SOCK_DGRAM | NotifySocket.SOCK_CLOEXEC, 0);
        LibC.INSTANCE.bind(fd, sockaddr, length);
    }

    /** Every datagram received since the last call, oldest first. */
    List<String> drain() {
        List<String> datagrams = new ArrayList<>();
        byte[] buffer = new byte[4096];
        while (true) {
            try {
                long n = LibC.INSTANCE.recv(fd, buffer, buffer.length, MSG_DONTWAIT);
                datagrams.add(new String(Arrays.copyOf(buffer, (int) n), StandardCharsets.UTF_8));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return datagrams;
                }
                throw e;
            }
        }
    }

    /** The VARIABLE=value lines of every datagram received since the last call. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        drain().forEach(datagram -> lines.addAll(Arrays.asList(datagram.split("\n"))));
        return lines;
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
