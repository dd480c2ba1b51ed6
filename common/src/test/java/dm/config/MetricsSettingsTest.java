package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dm.net.HostAndPort;

/** metrics.listen: off by default, parsed as agent.listen is, refused with one line. */
class MetricsSettingsTest {
    private static final Path FILE = Path.of("/etc/dm/server.properties");

    private static ServerConfig parse(String... keyValues) throws ConfigException {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.fromProperties(FILE, properties);
    }

    @Test
    void offByDefault() throws ConfigException {
        assertEquals(Optional.empty(), parse().metricsListen());
        assertEquals(Optional.empty(), parse("metrics.listen", "").metricsListen());
    }

    @Test
    void addressesAsOperatorsWriteThem() throws ConfigException {
        assertEquals(Optional.of(new HostAndPort("127.0.0.1", 9105)), parse("metrics.listen", "127.0.0.1:9105").metricsListen());
        assertEquals(Optional.of(new HostAndPort("::1", 9105)), parse("metrics.listen", "[::1]:9105").metricsListen());
    }

    @Test
    void badValuesAreRefusedWithOneLineNamingFileKeyAndValue() {
        assertEquals("/etc/dm/server.properties: metrics.listen = '9105': must be HOST:PORT, for example 127.0.0.1:9106",
                assertThrows(ConfigException.class, () -> parse("metrics.listen", "9105")).getMessage());
        assertEquals("/etc/dm/server.properties: metrics.listen = '127.0.0.1:99999': the port must be a number between 0"
                + " and 65535", assertThrows(ConfigException.class, () -> parse("metrics.listen", "127.0.0.1:99999"))
                .getMessage());
    }
}
