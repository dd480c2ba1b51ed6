package dm.it.kit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client of a line-based handler (such as dm.handler.LineProtocolHandler): one line out, one line back. */
public final class LineClient implements AutoCloseable {
    private static final Pattern WHO = Pattern.compile("^worker (\\d+) slot (\\d+)$");

    /** What {@code WHO} answers: the pid and slot of the worker that serves this connection. */
    public record Who(long pid, int slot) {
    }

    public final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public LineClient(int port) throws IOException {
        this(port, 20_000);
    }

    public LineClient(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), Echo.CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout(readTimeoutMillis);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Sends {@code line} and a LF. */
    public void send(String line) throws IOException {
        sendRaw(line + "\n");
    }

    public void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line from the server, or null at end of stream. */
    public String readLine() throws IOException {
        return in.readLine();
    }

    /** Sends {@code line} and returns the reply line (null: the server closed instead). */
    public String ask(String line) throws IOException {
        send(line);
        return readLine();
    }

    /** LineProtocolHandler's WHO: which worker serves this connection. */
    public Who who() throws IOException {
        String reply = ask("WHO");
        Matcher m = reply == null ? null : WHO.matcher(reply);
        if (m == null || !m.matches()) {
            throw new IOException("WHO answered '" + reply + "'");
        }
        return new Who(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** LineProtocolHandler's QUIT, and the server's BYE. */
    public void quit() throws IOException {
        String reply = ask("QUIT");
        if (!"BYE".equals(reply)) {
            throw new IOException("QUIT answered '" + reply + "'");
        }
    }

    /** Connects, asks WHO, says QUIT: which worker served one whole connection. */
    public static Who whoServes(int port) throws IOException {
        try (LineClient client = new LineClient(port, 30_000)) {
            Who who = client.who();
            client.quit();
            return who;
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    /** Connects, asks one line, closes. */
    public static String askOnce(int port, String line) throws IOException {
        try (LineClient client = new LineClient(port)) {
            return client.ask(line);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
