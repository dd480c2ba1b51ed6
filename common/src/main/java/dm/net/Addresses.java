package dm.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** How dm writes an address and port in logs and in dm-ctl: 127.0.0.1:6905, [::1]:6905. */
public final class Addresses {

    private Addresses() {
    }

    public static String format(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    /** "?" when there is no address (a connection that failed before we learned it). */
    public static String format(InetSocketAddress address) {
        return address == null ? "?" : format(address.getAddress(), address.getPort());
    }
}
