package dm.it.handlers;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.WorkerContext;

/** Its start hook throws an Error, not an Exception: a worker cannot boot with it either. */
public final class FailingStartErrorHandler implements ConnectionHandler {

    @Override
    public void start(WorkerContext worker) {
        throw new AssertionError("configuration invariant broken");
    }

    @Override
    public void handle(Connection connection) {
        throw new AssertionError("never reached");
    }
}
