package dm.daemon;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import dm.config.ServerConfig;

/**
 * Reads the configuration again for a restart. Checking it can take a second or more (a handler
 * with settings is checked in a JVM of its own), so the supervisor's loop does not wait: the
 * result comes back to it as an event, and worker exits meanwhile are handled at once.
 */
interface ConfigReader {
    /** Reads the file of {@code current} and calls {@code done} with the result, on any thread. */
    void read(ServerConfig current, Consumer<Optional<ServerConfig>> done);

    /** On the calling thread: for the loop's unit tests. */
    ConfigReader DIRECT = (current, done) -> done.accept(ConfigReload.reload(current));

    /** On one background thread of its own. */
    static ConfigReader inBackground() {
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread reader = new Thread(runnable, "config-reader");
            reader.setDaemon(true);
            return reader;
        });
        return (current, done) -> thread.execute(() -> done.accept(ConfigReload.reload(current)));
    }
}
