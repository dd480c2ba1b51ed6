package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    static final Path FILE = Path.of("/etc/dm/server.properties");

    private static ServerConfig parse(String... keyValues) throws ConfigException {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.fromProperties(FILE, properties);
    }

    private static String refused(String... keyValues) {
        return assertThrows(ConfigException.class, () -> parse(keyValues)).getMessage();
    }

    @Test
    void defaults() throws ConfigException {
        ServerConfig config = parse();
        assertEquals("127.0.0.1", config.bindAddress());
        assertEquals(6905, config.port());
        assertEquals(128, config.backlog());
        assertEquals(4, config.poolMin());
        assertEquals(32, config.poolMax());
        assertEquals(Path.of("/run/dm/scoreboard"), config.scoreboardFile());
        assertEquals("dm.handler.EchoHandler", config.handlerClass());
        assertEquals(List.of(), config.workerClasspath());
        assertEquals(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx64m"), config.workerJvmOptions());
        assertEquals(200, config.tickMillis());
        assertEquals(30_000, config.shutdownTimeoutMillis());
    }

    @Test
    void valuesAreStrippedAndParsed() throws ConfigException {
        ServerConfig config = parse("server.port", " 0 ", "pool.min", "2", "pool.max", "2", "worker.jvm-options", "  -Xmx8m   -Xss1m ");
        assertEquals(0, config.port());
        assertEquals(2, config.poolMin());
        assertEquals(List.of("-Xmx8m", "-Xss1m"), config.workerJvmOptions());
    }

    @Test
    void relativePathsResolveAgainstTheConfigurationDirectory() throws ConfigException {
        assertEquals(Path.of("/etc/run/dm.scoreboard"), parse("scoreboard.file", "../run/dm.scoreboard").scoreboardFile());
        assertEquals(List.of(Path.of("/etc/dm/lib/handler.jar")), parse("worker.classpath", "lib/handler.jar").workerClasspath());
    }

    @Test
    void unknownKey() {
        assertEquals(FILE + ": unknown key 'pool.minimum'", refused("pool.minimum", "3"));
    }

    @Test
    void notAnInteger() {
        assertEquals(FILE + ": pool.min = 'abc': not an integer", refused("pool.min", "abc"));
    }

    @Test
    void outOfRange() {
        assertEquals(FILE + ": server.port = '70000': must be between 0 and 65535", refused("server.port", "70000"));
        assertEquals(FILE + ": pool.max = '0': must be between 1 and 4096", refused("pool.max", "0"));
        assertEquals(FILE + ": supervisor.tick-ms = '5': must be between 10 and 10000", refused("supervisor.tick-ms", "5"));
        assertEquals(FILE + ": server.backlog = '-1': must be between 1 and 65535", refused("server.backlog", "-1"));
    }

    @Test
    void poolMinAbovePoolMax() {
        assertEquals(FILE + ": pool.min = 5 is greater than pool.max = 3", refused("pool.min", "5", "pool.max", "3"));
        assertEquals(FILE + ": pool.min = 40 is greater than pool.max = 32", refused("pool.min", "40"));
    }

    @Test
    void badStrings() {
        assertEquals(FILE + ": server.bind = '': must be an IP address or host name", refused("server.bind", " "));
        assertEquals(FILE + ": scoreboard.file = '': must be a file path", refused("scoreboard.file", ""));
        assertEquals(FILE + ": worker.handler = 'not a class': must be a fully qualified Java class name",
                refused("worker.handler", "not a class"));
        assertEquals(FILE + ": worker.jvm-options = '-Dx=\"a b\"': quotes are not supported; separate options by spaces",
                refused("worker.jvm-options", "-Dx=\"a b\""));
        assertEquals(FILE + ": worker.jvm-options = '-Xmx64m -Xrs': -Xrs is not supported: dm sends a stuck worker SIGQUIT"
                + " for a thread dump before it kills it, and with -Xrs the JVM would dump core instead",
                refused("worker.jvm-options", "-Xmx64m -Xrs"));
    }

    @Test
    void pssSettings() {
        assertEquals(FILE + ": worker.pss-interval-ms = '50': must be between 100 and 3600000",
                refused("worker.pss-interval-ms", "50"));
        assertEquals(FILE + ": worker.max-pss-mib = '-1': must be between 0 and 1048576", refused("worker.max-pss-mib", "-1"));
    }

    @Test
    void firstProblemInKeyOrderIsReported() {
        assertEquals(FILE + ": pool.max = 'x': not an integer", refused("server.port", "y", "pool.max", "x"));
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(missing));
        assertEquals(missing + ": configuration file not found", e.getMessage());
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "# comment\nserver.port = 7000\nscoreboard.file = sb\n");
        ServerConfig config = ServerConfig.load(file);
        assertEquals(7000, config.port());
        assertEquals(dir.resolve("sb"), config.scoreboardFile());
        assertEquals(file, config.file());
    }

    @Test
    void malformedUnicodeEscape(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "server.bind = \\uZZZZ\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(file));
        assertEquals(true, e.getMessage().startsWith(file + ": cannot read configuration file: "), e.getMessage());
    }
}
