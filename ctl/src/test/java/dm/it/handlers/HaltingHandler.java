package dm.it.handlers;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;

/** A worker that dies young: it halts (exit code 1) on the first connection it serves. */
public final class HaltingHandler implements ConnectionHandler {
    @Override
    public void handle(Connection connection) {
        Runtime.getRuntime().halt(1);
    }
}
