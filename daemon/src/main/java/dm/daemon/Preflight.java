package dm.daemon;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.handler.ConnectionHandler;
import dm.text.Shown;

/**
 * Checks what only the file system can tell, before any worker starts: the extra class path
 * exists and the handler class is there and is a handler. Part of {@code --check} too.
 */
final class Preflight {

    private Preflight() {
    }

    static void check(ServerConfig config) throws ConfigException {
        List<URL> urls = new ArrayList<>();
        for (Path entry : config.workerClasspath()) {
            if (!Files.exists(entry)) {
                throw new ConfigException(config.file() + ": worker.classpath: " + Shown.value(entry.toString()) + " does not exist");
            }
            try {
                urls.add(entry.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new ConfigException(config.file() + ": worker.classpath: " + entry + ": " + e.getMessage());
            }
        }
        String name = config.handlerClass();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), Preflight.class.getClassLoader())) {
            Class<?> type = Class.forName(name, false, loader);
            if (!ConnectionHandler.class.isAssignableFrom(type)) {
                throw new ConfigException(config.file() + ": worker.handler = " + Shown.quoted(name) + ": does not implement "
                        + ConnectionHandler.class.getName());
            }
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(config.file() + ": worker.handler = " + Shown.quoted(name)
                    + ": class not found (check worker.classpath)");
        } catch (java.io.IOException e) {
            throw new ConfigException(config.file() + ": worker.classpath: " + e.getMessage());
        }
    }
}
