package dm.handler;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Sends back every byte it receives until the client closes its side: the default handler.
 * Each chunk read is written back whole, so the echo never waits on Nagle's algorithm.
 */
public final class EchoHandler implements ConnectionHandler {

    @Override
    public void handle(Connection connection) throws Exception {
        InputStream in = connection.input();
        OutputStream out = connection.output();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
