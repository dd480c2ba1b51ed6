package dm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** On a real loopback connection: a short wait for the first byte, the longer one after it. */
class FirstByteInputTest {
    static final int FIRST_BYTE_MS = 300;
    static final int READ_MS = 3_000;

    /** Connects {@code client} to {@code server} and returns the server's side. */
    private static SocketChannel connect(ServerSocketChannel server, Socket client) throws Exception {
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.socket().getLocalPort()));
        return server.accept();
    }

    private static ServerSocketChannel listen() throws Exception {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @Test
    void aSilentConnectionTimesOutAfterTheFirstByteTimeout() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = new Socket()) {
            try (SocketChannel accepted = connect(server, client)) {
                FirstByteInput input = new FirstByteInput(accepted.socket(), ReadTimeouts.of(FIRST_BYTE_MS, READ_MS));
                long start = System.nanoTime();
                assertThrows(SocketTimeoutException.class, input::read);
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waited >= FIRST_BYTE_MS - 20 && waited < READ_MS, "waited " + waited + " ms");
                assertFalse(input.received());
            }
        }
    }

    @Test
    void afterTheFirstByteAPauseLongerThanTheFirstByteTimeoutIsFine() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = new Socket()) {
            try (SocketChannel accepted = connect(server, client)) {
                FirstByteInput input = new FirstByteInput(accepted.socket(), ReadTimeouts.of(FIRST_BYTE_MS, READ_MS));
                OutputStream out = client.getOutputStream();
                out.write('a');
                assertEquals('a', input.read());
                assertTrue(input.received());
                assertEquals(READ_MS, accepted.socket().getSoTimeout());
                Thread writer = new Thread(() -> {
                    try {
                        Thread.sleep(3 * FIRST_BYTE_MS);
                        out.write("bc".getBytes());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.start();
                byte[] buffer = new byte[2];
                assertEquals(2, input.readNBytes(buffer, 0, 2), "read across a pause of 3 x the first-byte timeout");
                writer.join();
            }
        }
    }
}
