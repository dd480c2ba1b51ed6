package dm.it.handlers;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.WorkerContext;

/** Its start hook says so on stdout, then never returns: a worker with it stays booting. */
public final class NeverStartingHandler implements ConnectionHandler {

    @Override
    public void start(WorkerContext worker) throws InterruptedException {
        System.out.println("NeverStartingHandler: starting, and never done");
        System.out.flush();
        while (true) {
            Thread.sleep(60_000);
        }
    }

    @Override
    public void handle(Connection connection) {
        throw new AssertionError("never reached");
    }
}
