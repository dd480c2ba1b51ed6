package dm.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * The accept queue of the listening socket on fd 0, from {@code getsockopt(TCP_INFO)}: for a
 * socket in LISTEN state Linux reports the connections waiting to be accepted in
 * {@code tcpi_unacked} and the backlog in {@code tcpi_sacked} (for a socket systemd made as well as
 * for ours). One system call, whatever else the host has open: reading /proc/net/tcp costs time in
 * proportion to every socket on the machine (15% of a core with 47,000 TIME_WAIT sockets).
 */
final class ListenQueueProbe {
    private static final int LISTEN_FD = 0;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    /** struct tcp_info: 8 bytes of u8 fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked. */
    private static final int UNACKED_OFFSET = 24;
    private static final int SACKED_OFFSET = 28;

    /**
     * JNA's direct mapping: the supervisor asks on every tick, and a call through an interface
     * mapping (a proxy, reflection, argument conversion) cost about 60-100 us each, most of the
     * idle supervisor's own CPU; a direct call costs a few.
     */
    private static final class LibC {
        static {
            Native.register("c");
        }

        static native int getsockopt(int fd, int level, int name, byte[] value, int[] length) throws LastErrorException;
    }

    /** Waiting connections and backlog; null when fd 0 is not a TCP socket this can ask. */
    record Reading(long queued, long backlog) {
    }

    private final byte[] buffer = new byte[104];
    private final int[] length = new int[1];
    private final ByteBuffer info = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());

    Reading read() {
        length[0] = buffer.length;
        try {
            LibC.getsockopt(LISTEN_FD, IPPROTO_TCP, TCP_INFO, buffer, length);
        } catch (LastErrorException | LinkageError e) {
            return null;
        }
        if (length[0] < SACKED_OFFSET + 4) {
            return null;
        }
        return new Reading(Integer.toUnsignedLong(info.getInt(UNACKED_OFFSET)),
                Integer.toUnsignedLong(info.getInt(SACKED_OFFSET)));
    }
}
