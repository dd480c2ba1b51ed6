package dm.worker;

import java.net.URL;
import java.net.URLClassLoader;
import java.security.CodeSource;
import java.util.List;
import java.util.Set;

import org.slf4j.LoggerFactory;

import dm.handler.ConnectionHandler;
import dm.handler.EchoHandler;
import dm.handler.LineProtocolHandler;
import dm.handler.PlusOneHandler;

/**
 * Loads the handler and the jars of worker.classpath apart from dm: its parent sees the JDK, the
 * handler API jar and slf4j-api, and nothing else of the worker's class path (not Chronicle, JNA,
 * logback, picocli, nor dm's own classes). So a handler jar may bring its own version of a library
 * dm also uses, and the one dm runs on stays out of its way. The handler logs through the worker's
 * slf4j, so its lines reach the supervisor's log like dm's own.
 */
public final class HandlerClassLoader extends URLClassLoader {
    /** Handlers that come with dm: loaded from dm's own class path, whatever worker.classpath holds. */
    private static final Set<String> BUILT_IN = Set.of(EchoHandler.class.getName(), PlusOneHandler.class.getName(),
            LineProtocolHandler.class.getName());

    static {
        registerAsParallelCapable();
    }

    public HandlerClassLoader(List<URL> jars) {
        super("handlers", jars.toArray(new URL[0]), new ApiOnly());
    }

    /** The class named by worker.handler: a built-in one, else one from the jars. */
    public Class<?> handlerClass(String name, boolean initialize) throws ClassNotFoundException {
        return Class.forName(name, initialize, BUILT_IN.contains(name) ? HandlerClassLoader.class.getClassLoader() : this);
    }

    /** The parent: the platform class loader, and of dm's class path only the API and slf4j-api jars. */
    private static final class ApiOnly extends ClassLoader {
        private static final ClassLoader DM = HandlerClassLoader.class.getClassLoader();
        private static final Set<String> SHARED_JARS = Set.of(location(ConnectionHandler.class), location(LoggerFactory.class));

        static {
            registerAsParallelCapable();
        }

        ApiOnly() {
            super("dm-handler-api", ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith("dm.handler.") || name.startsWith("org.slf4j.")) {
                Class<?> type = DM.loadClass(name);
                if (SHARED_JARS.contains(location(type))) {
                    return type;
                }
            }
            throw new ClassNotFoundException(name);
        }

        private static String location(Class<?> type) {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? "" : source.getLocation().toString();
        }
    }
}
