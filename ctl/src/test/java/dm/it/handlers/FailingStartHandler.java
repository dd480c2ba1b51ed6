package dm.it.handlers;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.WorkerContext;

/** A handler whose per-worker start hook throws: its workers can never boot. */
public final class FailingStartHandler implements ConnectionHandler {
    @Override
    public void start(WorkerContext worker) {
        throw new IllegalStateException("database unreachable (test)");
    }

    @Override
    public void handle(Connection connection) {
        throw new AssertionError("never called: start failed");
    }
}
