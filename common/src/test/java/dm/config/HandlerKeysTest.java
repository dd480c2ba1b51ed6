package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** handler.* keys belong to the handler: accepted as written, carried into the workers' snapshot. */
class HandlerKeysTest {
    static final Path FILE = Path.of("/etc/dm/server.properties");

    private static ServerConfig parse(String... keyValues) throws ConfigException {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.fromProperties(FILE, properties);
    }

    @Test
    void handlerKeysAreAcceptedAsWrittenAndSorted() throws ConfigException {
        ServerConfig config = parse("handler.greeting", "  hi there ", "handler.db.url", "jdbc:x", "handler.empty", "",
                "pool.min", "2");
        assertEquals(Map.of("handler.db.url", "jdbc:x", "handler.empty", "", "handler.greeting", "hi there"),
                config.handlerSettings());
        assertEquals(List.of("handler.db.url", "handler.empty", "handler.greeting"), List.copyOf(config.handlerSettings().keySet()));
        assertEquals(Map.of(), parse("pool.min", "2").handlerSettings());
    }

    @Test
    void everyOtherUnknownKeyIsStillRefused() {
        for (String key : List.of("handler.", "handlers.greeting", "Handler.greeting", "greeting", "worker.greeting")) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(key, "hi"), key);
            assertEquals(FILE + ": unknown key '" + key + "'", e.getMessage());
        }
    }

    @Test
    void theWorkersSnapshotCarriesTheHandlerKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "handler.greeting = hi\nhandler.pause = 5s\nscoreboard.file = dm.scoreboard\n"
                + "handler.unicode = gr\\u00fc\\u00df dich\n");
        ServerConfig config = ServerConfig.load(file);
        Path snapshot = config.snapshotFile();
        ConfigSnapshot.write(config, snapshot);
        ServerConfig worker = ServerConfig.load(snapshot);
        assertEquals(config.handlerSettings(), worker.handlerSettings());
        assertEquals("grüß dich", worker.handlerSettings().get("handler.unicode"));
    }

    @Test
    void aReloadKeepsTheNewHandlerKeys() throws ConfigException {
        ServerConfig running = parse("handler.greeting", "hi", "pool.max", "8");
        ServerConfig read = parse("handler.greeting", "hello", "handler.new", "1", "pool.max", "16");
        ServerConfig fresh = read.keeping(running, List.of(Settings.POOL_MAX));
        assertEquals(8, fresh.poolMax());
        assertEquals(Map.of("handler.greeting", "hello", "handler.new", "1"), fresh.handlerSettings());
    }
}
