package dm.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The workers' accept4/read/write path, on real loopback connections. */
class NativeSocketTest {

    /** The listening socket's descriptor (the workers use fd 0, the inherited one). */
    static int fd(ServerSocketChannel server) throws ReflectiveOperationException {
        Field fdVal = server.getClass().getDeclaredField("fdVal");
        fdVal.setAccessible(true);
        return fdVal.getInt(server);
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static Socket connect(ServerSocketChannel server) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), server.socket().getLocalPort());
    }

    @Test
    void thisJvmCanAcceptNatively() {
        assertTrue(NativeAcceptor.available(), "JNA and the JDK's channel constructor (bin/jvm.args opens sun.nio.ch)");
    }

    @Test
    void nothingWaitingOnANonBlockingListenerIsNull() throws Exception {
        try (ServerSocketChannel server = listen()) {
            server.configureBlocking(false);
            assertNull(new NativeAcceptor(fd(server)).accept());
        }
    }

    @Test
    void echoesAndKnowsTheClient() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server);
                NativeSocket accepted = new NativeAcceptor(fd(server)).accept()) {
            assertNotNull(accepted);
            assertEquals(client.getLocalSocketAddress(), accepted.client(), "an IPv4 client as the JDK gives it");
            accepted.setTcpNoDelay();
            client.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            byte[] buffer = new byte[16];
            int n = accepted.input().read(buffer, 3, 10);
            assertEquals("hello", new String(buffer, 3, n, StandardCharsets.UTF_8));
            accepted.output().write(buffer, 3, n);
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), client.getInputStream().readNBytes(5));
            assertTrue(accepted.channel().socket().getTcpNoDelay(), "set on the socket itself");
            client.shutdownOutput();
            assertEquals(-1, accepted.input().read(), "the client's end of stream");
        }
    }

    @Test
    void aWriteLargerThanTheBufferArrivesWhole() throws Exception {
        byte[] data = new byte[5 * NativeAcceptor.BUFFER_BYTES + 123];
        new Random(7).nextBytes(data);
        try (ServerSocketChannel server = listen(); Socket client = connect(server);
                NativeSocket accepted = new NativeAcceptor(fd(server)).accept()) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.getInputStream().readNBytes(data.length);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            accepted.output().write(data);
            assertArrayEquals(data, received.get());
        }
    }

    @Test
    void aResetClientIsAResetToo() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server);
                NativeSocket accepted = new NativeAcceptor(fd(server)).accept()) {
            client.setSoLinger(true, 0);
            client.getOutputStream().write(1);
            client.close(); // RST: unread data and linger 0
            InputStream in = accepted.input();
            SocketException e = assertThrows(SocketException.class, () -> {
                while (in.read() >= 0) {
                    // until the reset shows
                }
            });
            assertTrue(ClientReset.causedBy(e), e.getMessage());
        }
    }

    @Test
    void closedItRefusesAndTheChannelIsClosedWithIt() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server)) {
            NativeSocket accepted = new NativeAcceptor(fd(server)).accept();
            SocketChannel channel = accepted.channel();
            channel.write(ByteBuffer.wrap(new byte[] {42}));
            assertEquals(42, client.getInputStream().read(), "written through the adopted channel");
            OutputStream out = accepted.output();
            accepted.close();
            accepted.close(); // twice is fine
            assertFalse(channel.isOpen());
            accepted.shutdownInput(); // the watchdog, too late: nothing happens
            assertEquals("Socket closed", assertThrows(SocketException.class, () -> out.write(1)).getMessage(),
                    "as the JDK's socket says it");
            assertEquals(-1, client.getInputStream().read(), "the client sees the close");
        }
    }

    @Test
    void shutdownInputEndsABlockedRead() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = connect(server);
                NativeSocket accepted = new NativeAcceptor(fd(server)).accept()) {
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return accepted.input().read();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            accepted.shutdownInput(); // before or during the read: either way it ends
            assertEquals(-1, read.get(10, TimeUnit.SECONDS));
        }
    }
}
