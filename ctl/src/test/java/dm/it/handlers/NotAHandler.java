package dm.it.handlers;

/** A class that does not implement dm.handler.ConnectionHandler. */
public final class NotAHandler {

    public void handle(Object connection) {
    }
}
