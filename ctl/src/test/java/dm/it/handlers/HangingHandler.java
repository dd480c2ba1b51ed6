package dm.it.handlers;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;

/**
 * Hangs in a method whose name the thread dump must show: {@link #hangHere} never returns, so
 * worker.request-timeout-ms kills the worker, after SIGQUIT has made the JVM print where it is.
 */
public final class HangingHandler implements ConnectionHandler {
    @Override
    public void handle(Connection connection) throws Exception {
        connection.input().read(); // the client's first byte: the connection is the worker's now
        hangHere();
    }

    private static void hangHere() throws InterruptedException {
        while (true) {
            Thread.sleep(60_000);
        }
    }
}
