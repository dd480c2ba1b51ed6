package dm.it.kit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** A client of the echo handler. Writes on a helper thread so that big messages never deadlock. */
public final class Echo implements AutoCloseable {
    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    /** Writers block while the echo is not read yet: one thread each, never a bounded pool. */
    private static final java.util.concurrent.ExecutorService WRITERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "echo-writer");
        thread.setDaemon(true);
        return thread;
    });

    public final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public Echo(int port) throws IOException {
        this(port, READ_TIMEOUT_MILLIS);
    }

    public Echo(int port, int readTimeoutMillis) throws IOException {
        this(port, CONNECT_TIMEOUT_MILLIS, readTimeoutMillis);
    }

    private Echo(int port, int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), connectTimeoutMillis);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One connection: sends {@code text} and a newline and expects them back; connecting and reading each get {@code timeoutMillis}. */
    public static void line(int port, String text, int timeoutMillis) throws IOException {
        try (Echo echo = new Echo(port, timeoutMillis, timeoutMillis)) {
            echo.roundTrip((text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** True when a line sent to the port comes back within 2 s. */
    public static boolean answers(int port) {
        try {
            line(port, "ping", 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Sends {@code message} and returns exactly as many bytes read back (fewer only at end of stream). */
    public byte[] exchange(byte[] message) throws IOException {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                out.write(message);
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, WRITERS);
        byte[] echoed = readExactly(message.length);
        try {
            writer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
        }
        return echoed;
    }

    /** Sends {@code message} and checks the echo is byte-exact; throws otherwise. */
    public void roundTrip(byte[] message) throws IOException {
        byte[] echoed = exchange(message);
        if (!Arrays.equals(message, echoed)) {
            throw new IOException("echo of " + message.length + " bytes differs: got " + echoed.length + " bytes"
                    + (echoed.length == message.length ? ", first difference at " + Arrays.mismatch(message, echoed) : ""));
        }
    }

    public void send(byte[] message) throws IOException {
        out.write(message);
        out.flush();
    }

    public byte[] readExactly(int length) throws IOException {
        byte[] buffer = new byte[length];
        int read = 0;
        while (read < length) {
            int n = in.read(buffer, read, length - read);
            if (n < 0) {
                return Arrays.copyOf(buffer, read);
            }
            read += n;
        }
        return buffer;
    }

    /** Reads until end of stream (or an error); returns how many bytes came. */
    public int read() throws IOException {
        return in.read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
