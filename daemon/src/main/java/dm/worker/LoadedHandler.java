package dm.worker;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.HandlerSettings;
import dm.handler.InvalidSettingException;
import dm.handler.WorkerContext;

/**
 * The configured handler, created in its own class loader. Each call runs with that loader as the
 * thread's context class loader, as libraries that look classes up by name (JDBC drivers,
 * ServiceLoader, JSON mappers) expect; dm's own code keeps its loader in between.
 */
final class LoadedHandler {
    private final ConnectionHandler handler;
    private final String className;
    private final ClassLoader loader;

    LoadedHandler(ConnectionHandler handler, String className, ClassLoader loader) {
        this.handler = handler;
        this.className = className;
        this.loader = loader;
    }

    void configure(HandlerSettings settings) throws BootException {
        bootStep("configure", () -> handler.configure(settings));
    }

    void start(WorkerContext context) throws BootException {
        bootStep("start", () -> handler.start(context));
    }

    /** A step of the boot in the handler's loader; whatever it throws, an Error too, is a clear boot failure. */
    private void bootStep(String step, HandlerStep call) throws BootException {
        ClassLoader previous = enter();
        try {
            call.run();
        } catch (InvalidSettingException e) {
            throw refused(e);
        } catch (Throwable e) { // not a crash to respawn
            throw new BootException("worker.handler = '" + className + "': " + step + " failed: " + e);
        } finally {
            leave(previous);
        }
    }

    private interface HandlerStep {
        void run() throws Exception;
    }

    void handle(Connection connection) throws Exception {
        ClassLoader previous = enter();
        try {
            handler.handle(connection);
        } finally {
            leave(previous);
        }
    }

    void stop() {
        ClassLoader previous = enter();
        try {
            handler.stop();
        } finally {
            leave(previous);
        }
    }

    /** The handler refuses one of its settings: the line starts with the key and the value. */
    private BootException refused(InvalidSettingException e) {
        return new BootException(e.getMessage() + " (refused by " + className + ")", e);
    }

    private ClassLoader enter() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        return previous;
    }

    private static void leave(ClassLoader previous) {
        Thread.currentThread().setContextClassLoader(previous);
    }
}
