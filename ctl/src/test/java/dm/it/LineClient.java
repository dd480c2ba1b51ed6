package dm.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client of dm.handler.LineProtocolHandler: one request line, one reply line. */
final class LineClient implements AutoCloseable {
    private static final Pattern WHO = Pattern.compile("^worker (\\d+) slot (\\d+)$");

    /** What {@code WHO} answers: the pid and slot of the worker that serves this connection. */
    record Who(long pid, int slot) {
    }

    final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), Echo.CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout(readTimeoutMillis);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Sends one request line and returns the reply line (null at end of stream). */
    String request(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return in.readLine();
    }

    Who who() throws IOException {
        String reply = request("WHO");
        Matcher m = reply == null ? null : WHO.matcher(reply);
        if (m == null || !m.matches()) {
            throw new IOException("WHO answered '" + reply + "'");
        }
        return new Who(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** QUIT, and the server's BYE. */
    void quit() throws IOException {
        String reply = request("QUIT");
        if (!"BYE".equals(reply)) {
            throw new IOException("QUIT answered '" + reply + "'");
        }
    }

    /** Connects, asks WHO, says QUIT: which worker served one whole connection. */
    static Who whoServes(int port) throws IOException {
        try (LineClient client = new LineClient(port, 30_000)) {
            Who who = client.who();
            client.quit();
            return who;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
