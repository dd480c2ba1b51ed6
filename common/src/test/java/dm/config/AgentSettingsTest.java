package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dm.net.HostAndPort;

/** agent.listen and agent.drain-ms: parsed, refused with one line, off by default. */
class AgentSettingsTest {
    private static final Path FILE = Path.of("/etc/dm/server.properties");

    private static ServerConfig parse(String... keyValues) throws ConfigException {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.fromProperties(FILE, properties);
    }

    @Test
    void offByDefaultAndThenNoDrain() throws ConfigException {
        ServerConfig config = parse("agent.drain-ms", "7000");
        assertEquals(Optional.empty(), config.agentListen());
        assertEquals(0, config.agentDrainMillis(), "no endpoint, no balancer to tell: -wdown does not wait");
    }

    @Test
    void addressesAsOperatorsWriteThem() throws ConfigException {
        assertEquals(Optional.of(new HostAndPort("127.0.0.2", 9106)), parse("agent.listen", "127.0.0.2:9106").agentListen());
        assertEquals(Optional.of(new HostAndPort("::1", 9106)), parse("agent.listen", "[::1]:9106").agentListen());
        assertEquals(Optional.of(new HostAndPort("localhost", 0)), parse("agent.listen", "localhost:0").agentListen());
        assertEquals(5000, parse("agent.listen", "127.0.0.1:9106").agentDrainMillis());
        assertEquals(0, parse("agent.listen", "127.0.0.1:9106", "agent.drain-ms", "0").agentDrainMillis());
    }

    @Test
    void badValuesAreRefusedWithOneLineNamingFileKeyAndValue() {
        assertEquals("/etc/dm/server.properties: agent.listen = '9106': must be HOST:PORT, for example 127.0.0.1:9106",
                refused("agent.listen", "9106"));
        assertEquals("/etc/dm/server.properties: agent.listen = '127.0.0.1:http': the port must be a number between 0"
                + " and 65535", refused("agent.listen", "127.0.0.1:http"));
        assertEquals("/etc/dm/server.properties: agent.listen = '127.0.0.1:70000': the port must be a number between 0"
                + " and 65535", refused("agent.listen", "127.0.0.1:70000"));
        assertEquals("/etc/dm/server.properties: agent.listen = '::1:9106': an IPv6 address goes in brackets: [::1]:9106",
                refused("agent.listen", "::1:9106"));
        assertEquals("/etc/dm/server.properties: agent.drain-ms = '-1': must be between 0 and 600000",
                refused("agent.drain-ms", "-1"));
    }

    private static String refused(String... keyValues) {
        return assertThrows(ConfigException.class, () -> parse(keyValues)).getMessage();
    }
}
