package dm.it.kit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1: is one free, and which one to give a daemon that must be told a number. */
public final class Ports {
    private Ports() {
    }

    /** True when a listening socket can be bound on 127.0.0.1:port right now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port", e);
        }
    }

    /** A port below 1024 that was free a moment ago (root only). */
    public static int freePrivileged() {
        for (int port = 900; port <= 1000; port++) {
            if (isFree(port)) {
                return port;
            }
        }
        throw new AssertionError("no free port in 900..1000");
    }
}
