package dm.it.handlers;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;

/** Its constructor throws: a worker cannot boot with it. */
public final class FailingConstructorHandler implements ConnectionHandler {

    public FailingConstructorHandler() {
        throw new IllegalStateException("constructor refuses: no license key");
    }

    @Override
    public void handle(Connection connection) {
        throw new AssertionError("never reached");
    }
}
