package dm.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import dm.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dm-ctl client HOST PORT}: a plain interactive client. Sends every line typed, prints every byte
 * the server sends, on separate threads. {@code q} or {@code Q} alone on a line (or end of input)
 * half-closes the connection, so the echoes still in flight are printed before it exits.
 */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Interactive client: sends each line of standard input, prints what the server sends.",
            "q or Q alone on a line half-closes the connection; the client exits once the server closes."})
final class ClientCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "HOST", description = "Server address, e.g. 127.0.0.1.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Server port, e.g. 6905.")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            System.err.println("dm-ctl: cannot connect to " + host + ":" + port + ": " + e.getMessage());
            return ExitCodes.NO_DAEMON;
        }
        try (socket) {
            // The writer may sit in a read of stdin when the server closes: a daemon thread, so
            // the client ends as soon as the reader has seen the end of the connection.
            Thread writer = new Thread(() -> sendLines(socket), "writer");
            writer.setDaemon(true);
            writer.start();
            printReplies(socket, System.out);
            return ExitCodes.OK;
        } catch (IOException e) {
            return ExitCodes.OK; // closing a socket the server already closed
        }
    }

    /** The writing side: stdin to the server until q, Q or end of input, then half-close. */
    private static void sendLines(Socket socket) {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            OutputStream out = socket.getOutputStream();
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("q") && !line.equals("Q")) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            // the server closed the connection; the reader says so
        }
    }

    /** The reading side: everything the server sends, until it closes. */
    private static void printReplies(Socket socket, PrintStream stdout) {
        try {
            InputStream in = socket.getInputStream();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                stdout.println("message from server: " + line);
            }
            stdout.println("connection closed by server");
        } catch (IOException e) {
            stdout.println("connection lost: " + e.getMessage());
        }
        stdout.flush();
    }
}
