package dm.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client of a line-based handler: one line out, one line back. */
final class LineClient implements AutoCloseable {
    final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(int port) throws IOException {
        this(port, 20_000);
    }

    LineClient(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), Echo.CONNECT_TIMEOUT_MILLIS);
        socket.setSoTimeout(readTimeoutMillis);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Sends {@code line} and a LF. */
    void send(String line) throws IOException {
        sendRaw(line + "\n");
    }

    void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line from the server, or null at end of stream. */
    String readLine() throws IOException {
        return in.readLine();
    }

    /** Sends {@code line} and returns the reply line (null: the server closed instead). */
    String ask(String line) throws IOException {
        send(line);
        return readLine();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** Connects, asks one line, closes. */
    static String askOnce(int port, String line) throws IOException {
        try (LineClient client = new LineClient(port)) {
            return client.ask(line);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
