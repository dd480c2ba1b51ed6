package dm.daemon;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The accept queue of the listening socket on fd 0, from {@code getsockopt(TCP_INFO)}: for a
 * socket in LISTEN state Linux reports the connections waiting to be accepted in
 * {@code tcpi_unacked} and the backlog in {@code tcpi_sacked}. One system call, whatever else the
 * host has open (reading /proc/net/tcp costs time in proportion to every socket on the machine).
 */
final class ListenQueueProbe {
    private static final int LISTEN_FD = 0;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    /** struct tcp_info: 8 bytes of u8 fields, then u32 rto, ato, snd_mss, rcv_mss, unacked, sacked. */
    private static final int UNACKED_OFFSET = 24;
    private static final int SACKED_OFFSET = 28;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int getsockopt(int fd, int level, int name, byte[] value, IntByReference length) throws LastErrorException;
    }

    /** Waiting connections and backlog; null when fd 0 is not a TCP socket this can ask. */
    record Reading(long queued, long backlog) {
    }

    private final byte[] buffer = new byte[104];

    Reading read() {
        IntByReference length = new IntByReference(buffer.length);
        try {
            LibC.INSTANCE.getsockopt(LISTEN_FD, IPPROTO_TCP, TCP_INFO, buffer, length);
        } catch (LastErrorException e) {
            return null;
        }
        if (length.getValue() < SACKED_OFFSET + 4) {
            return null;
        }
        ByteBuffer info = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
        return new Reading(Integer.toUnsignedLong(info.getInt(UNACKED_OFFSET)),
                Integer.toUnsignedLong(info.getInt(SACKED_OFFSET)));
    }
}
