package dm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The documentation comes from the declarations: the README's table and the shipped file must follow them. */
class ConfigReferenceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void readmeCarriesTheGeneratedReference() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String start = "<!-- config-reference: generated from dm.config.Settings; ConfigReferenceTest keeps it in step -->\n";
        String end = "<!-- /config-reference -->";
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        assertTrue(from >= 0 && to > from, "README.md lacks the config-reference markers");
        assertEquals(ConfigReference.markdown(), readme.substring(from + start.length(), to),
                "README.md's configuration reference is stale: regenerate it with dm.config.ConfigReference");
    }

    @Test
    void shippedConfigurationIsValidAndDocumentsEveryKey() throws Exception {
        Path shipped = ROOT.resolve("conf/server.properties");
        ServerConfig.load(shipped);
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(shipped)) {
            properties.load(reader);
        }
        for (Setting<?> setting : Settings.ALL) {
            assertTrue(properties.containsKey(setting.key()), "conf/server.properties lacks " + setting.key());
        }
    }
}
