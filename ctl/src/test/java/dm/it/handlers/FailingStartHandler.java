package dm.it.handlers;

import java.io.IOException;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.WorkerContext;

/** Its start hook throws: a worker cannot boot with it. */
public final class FailingStartHandler implements ConnectionHandler {

    @Override
    public void start(WorkerContext worker) throws IOException {
        throw new IOException("cannot reach the database at db.invalid:5432");
    }

    @Override
    public void handle(Connection connection) {
        throw new AssertionError("never reached");
    }
}
