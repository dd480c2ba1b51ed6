package dm.daemon;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.handler.ConnectionHandler;
import dm.text.Shown;
import dm.worker.HandlerClassLoader;

/**
 * Checks what only the file system can tell, before any worker starts: the extra class path
 * exists and the handler class is there and is a handler; and the handler takes its handler.*
 * settings (see {@link HandlerCheck}). Part of {@code --check} too.
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
        boolean hasConfigureStep;
        try (HandlerClassLoader loader = new HandlerClassLoader(urls)) { // as the workers load it
            Class<?> type = loader.handlerClass(name, false);
            if (!ConnectionHandler.class.isAssignableFrom(type)) {
                throw new ConfigException(config.file() + ": worker.handler = " + Shown.quoted(name) + ": does not implement "
                        + ConnectionHandler.class.getName());
            }
            hasConfigureStep = HandlerCheck.hasConfigureStep(type);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(config.file() + ": worker.handler = " + Shown.quoted(name)
                    + ": class not found (check worker.classpath)");
        } catch (java.io.IOException e) {
            throw new ConfigException(config.file() + ": worker.classpath: " + e.getMessage());
        }
        if (hasConfigureStep) {
            HandlerCheck.run(config);
        }
    }
}
