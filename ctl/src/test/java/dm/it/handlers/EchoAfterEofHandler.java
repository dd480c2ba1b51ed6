package dm.it.handlers;

import java.io.ByteArrayOutputStream;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;

/**
 * Sends nothing until the client half-closes its side, then sends back everything it received.
 * A client that closes its whole socket instead of half-closing it gets no reply at all.
 */
public final class EchoAfterEofHandler implements ConnectionHandler {

    @Override
    public void handle(Connection connection) throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        connection.input().transferTo(received);
        received.writeTo(connection.output());
        connection.output().flush();
    }
}
