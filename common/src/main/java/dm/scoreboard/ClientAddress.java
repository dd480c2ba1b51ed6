package dm.scoreboard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Packs an IPv4 or IPv6 address into two longs (IPv4 as IPv4-mapped IPv6) and back. */
final class ClientAddress {

    private ClientAddress() {
    }

    static long[] encode(InetAddress address) {
        byte[] bytes = address.getAddress();
        byte[] v6 = new byte[16];
        if (address instanceof Inet4Address) {
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, v6, 12, 4);
        } else {
            System.arraycopy(bytes, 0, v6, 0, 16);
        }
        ByteBuffer buffer = ByteBuffer.wrap(v6);
        return new long[] {buffer.getLong(), buffer.getLong()};
    }

    static InetSocketAddress decode(long high, long low, int port) {
        byte[] v6 = ByteBuffer.allocate(16).putLong(high).putLong(low).array();
        try {
            // getByAddress turns an IPv4-mapped address back into an Inet4Address.
            return new InetSocketAddress(InetAddress.getByAddress(v6), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
