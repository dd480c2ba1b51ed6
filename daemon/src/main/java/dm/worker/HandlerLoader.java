package dm.worker;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dm.config.ServerConfig;
import dm.handler.ConnectionHandler;
import dm.text.Shown;

/** Creates the configured handler in its own class loader, turning every way that can fail into one clear sentence. */
final class HandlerLoader {

    private HandlerLoader() {
    }

    static LoadedHandler load(ServerConfig config) throws BootException {
        HandlerClassLoader loader = new HandlerClassLoader(urls(config.workerClasspath()));
        // Static initialisers and the constructor run with the handler's loader as context loader too.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return new LoadedHandler(create(loader, config.handlerClass()), config.handlerClass(), loader);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static ConnectionHandler create(HandlerClassLoader loader, String className) throws BootException {
        Class<?> type;
        try {
            type = loader.handlerClass(className, true);
        } catch (ClassNotFoundException e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": class not found (check worker.classpath)");
        } catch (LinkageError e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": cannot load class: " + e);
        }
        if (!ConnectionHandler.class.isAssignableFrom(type)) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": does not implement "
                    + ConnectionHandler.class.getName());
        }
        try {
            return (ConnectionHandler) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": needs a public no-argument constructor");
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": constructor failed: " + cause);
        } catch (LinkageError e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": cannot initialise class: " + e);
        }
    }

    private static List<URL> urls(List<Path> classpath) throws BootException {
        List<URL> urls = new ArrayList<>();
        for (Path entry : classpath) {
            try {
                urls.add(entry.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new BootException("worker.classpath: " + entry + ": " + e.getMessage());
            }
        }
        return urls;
    }
}
