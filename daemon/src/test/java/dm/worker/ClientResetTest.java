package dm.worker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.junit.jupiter.api.Test;

class ClientResetTest {

    @Test
    void theJdksWordsForAResetAreRecognised() {
        assertTrue(ClientReset.causedBy(new SocketException("Connection reset")));
        assertTrue(ClientReset.causedBy(new IOException("Connection reset by peer")));
        assertTrue(ClientReset.causedBy(new IOException("Broken pipe")));
    }

    @Test
    void aResetWrappedByAHandlerIsStillAReset() {
        assertTrue(ClientReset.causedBy(new UncheckedIOException(new SocketException("Connection reset"))));
        assertTrue(ClientReset.causedBy(new IllegalStateException("request failed",
                new RuntimeException(new IOException("Broken pipe")))));
    }

    @Test
    void otherFailuresAreNotResets() {
        assertFalse(ClientReset.causedBy(new IOException("No space left on device")));
        assertFalse(ClientReset.causedBy(new IllegalArgumentException("Connection reset"))); // not an I/O error
        assertFalse(ClientReset.causedBy(new IOException((String) null)));
        assertFalse(ClientReset.causedBy(new AssertionError("boom")));
    }

    /** What the JDK really throws when the peer closes with SO_LINGER 0, on a read and on a write. */
    @Test
    void realResetsOnTheWorkersKindOfStreamAreRecognised() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            for (boolean write : new boolean[] {false, true}) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.socket().getLocalPort());
                try (SocketChannel accepted = server.accept()) {
                    client.setSoLinger(true, 0);
                    client.close();
                    Throwable failure = null;
                    try {
                        if (write) {
                            OutputStream out = accepted.socket().getOutputStream();
                            for (int i = 0; i < 100; i++) {
                                out.write(new byte[8192]);
                                Thread.sleep(5);
                            }
                        } else {
                            InputStream in = accepted.socket().getInputStream();
                            in.read();
                        }
                    } catch (IOException e) {
                        failure = e;
                    }
                    Throwable seen = failure;
                    assertTrue(seen != null && ClientReset.causedBy(seen), () -> (write ? "write" : "read") + ": " + seen);
                }
            }
        }
    }
}
