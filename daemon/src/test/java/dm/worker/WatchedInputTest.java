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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * On a real loopback connection, with a stand-in for the worker's watchdog that checks the deadline
 * every 10 ms: a blocked read is cut after its timeout, the first byte's timeout gives way to the
 * read timeout, and the socket's own SO_TIMEOUT is never set; over the JDK's channel and over the
 * direct system calls the workers use.
 */
class WatchedInputTest {

    @Nested
    class OverTheJdkChannel extends Cases {
        @Override
        ClientSocket accept(ServerSocketChannel server) throws Exception {
            return new JdkSocket(server.accept());
        }
    }

    @Nested
    class OverDirectSystemCalls extends Cases {
        @Override
        ClientSocket accept(ServerSocketChannel server) throws Exception {
            return new NativeAcceptor(NativeSocketTest.fd(server)).accept();
        }
    }

    abstract static class Cases {
        static final int FIRST_BYTE_MS = 300;
        static final int READ_MS = 3_000;

        private final ReadWatch watch = new ReadWatch();
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final Thread watchdog = new Thread(() -> {
            while (watching.get()) {
                watch.expireOverdueRead();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        @AfterEach
        void stopWatchdog() throws InterruptedException {
            watching.set(false);
            watchdog.join();
        }

        /** The server's side of a connection just made to it. */
        abstract ClientSocket accept(ServerSocketChannel server) throws Exception;

        private ClientSocket connect(ServerSocketChannel server, Socket client) throws Exception {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.socket().getLocalPort()));
            return accept(server);
        }

        private static ServerSocketChannel listen() throws Exception {
            return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        private WatchedInput input(ClientSocket accepted) throws Exception {
            watch.watch(accepted);
            watchdog.start();
            return new WatchedInput(accepted.input(), watch, ReadTimeouts.of(FIRST_BYTE_MS, READ_MS));
        }

        @Test
        void aSilentConnectionIsCutAfterTheFirstByteTimeout() throws Exception {
            try (ServerSocketChannel server = listen(); Socket client = new Socket()) {
                try (ClientSocket accepted = connect(server, client)) {
                    WatchedInput input = input(accepted);
                    long start = System.nanoTime();
                    SocketTimeoutException timeout = assertThrows(SocketTimeoutException.class, input::read);
                    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertTrue(waited >= FIRST_BYTE_MS && waited < READ_MS, "waited " + waited + " ms");
                    assertEquals("nothing received for 300 ms", timeout.getMessage());
                    assertFalse(input.received());
                    assertEquals(0, accepted.channel().socket().getSoTimeout(), "no SO_TIMEOUT: reads are untimed read(2) calls");
                    assertEquals(-1, accepted.channel().read(java.nio.ByteBuffer.allocate(1)), "its input is shut down");
                }
            }
        }

        @Test
        void afterTheFirstByteAPauseLongerThanTheFirstByteTimeoutIsFine() throws Exception {
            try (ServerSocketChannel server = listen(); Socket client = new Socket()) {
                try (ClientSocket accepted = connect(server, client)) {
                    WatchedInput input = input(accepted);
                    OutputStream out = client.getOutputStream();
                    out.write('a');
                    assertEquals('a', input.read());
                    assertTrue(input.received());
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
                    assertEquals(3, input.bytes());
                    client.shutdownOutput();
                    assertEquals(-1, input.read(), "the client's end of stream is not a timeout");
                }
            }
        }
}
}
