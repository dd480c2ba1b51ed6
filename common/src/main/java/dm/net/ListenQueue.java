package dm.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How many connections wait in the accept queue of a listening port, read from /proc/net/tcp and
 * /proc/net/tcp6 (for a socket in LISTEN state the kernel shows the queue length as rx_queue).
 */
public final class ListenQueue {
    private static final String LISTEN = "0A";

    private ListenQueue() {
    }

    /** Connections waiting to be accepted on {@code port}; -1 when no listening socket is found. */
    public static long length(int port) {
        long length = 0;
        boolean found = false;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 5 || !LISTEN.equals(fields[3])) {
                    continue;
                }
                String local = fields[1];
                if (Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) != port) {
                    continue;
                }
                length += Long.parseLong(fields[4].substring(fields[4].indexOf(':') + 1), 16);
                found = true;
            }
        }
        return found ? length : -1;
    }
}
