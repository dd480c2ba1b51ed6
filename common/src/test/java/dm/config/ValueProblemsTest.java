package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The lines that refuse a value: a port in server.bind gets a hint, and no line echoes a huge value whole. */
class ValueProblemsTest {
    static final Path FILE = Path.of("/etc/dm/server.properties");

    private static String refused(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return assertThrows(ConfigException.class, () -> ServerConfig.fromProperties(FILE, properties)).getMessage();
    }

    private static ServerConfig accepted(String key, String value) throws ConfigException {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return ServerConfig.fromProperties(FILE, properties);
    }

    @Test
    void aPortInServerBindIsPointedToServerPort() {
        assertEquals(FILE + ": server.bind = '127.0.0.1:27808': takes the address alone: put the port in server.port"
                + " (server.port = 27808)", refused("server.bind", "127.0.0.1:27808"));
        assertTrue(refused("server.bind", "localhost:80").endsWith("put the port in server.port (server.port = 80)"));
        assertTrue(refused("server.bind", "[::1]:6905").endsWith("put the port in server.port (server.port = 6905)"));
        assertTrue(refused("server.bind", "127.0.0.1:").endsWith("takes the address alone: put the port in server.port"));
    }

    @Test
    void ipv6AddressesAreNotTakenForAPort() throws ConfigException {
        for (String address : new String[] {"::", "::1", "fe80::1", "2001:db8::80", "[::1]", "0.0.0.0", "localhost"}) {
            assertEquals(address, accepted("server.bind", address).bindAddress());
        }
    }

    @Test
    void aHugeValueIsCutInTheLine() {
        String message = refused("pool.min", "9".repeat(1_000_000));
        assertEquals(FILE + ": pool.min = '" + "9".repeat(80) + "… (1000000 characters)': not an integer", message);
        String key = refused("x".repeat(5000), "1");
        assertEquals(FILE + ": unknown key '" + "x".repeat(80) + "… (5000 characters)'", key);
    }
}
