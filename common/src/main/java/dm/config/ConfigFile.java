package dm.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dm.text.Shown;

/** The operator's configuration file as lines of keys and values; every problem one line naming the file. */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * The entries of {@code absolute}. A key given twice is refused, naming both lines: which one
     * was meant is for the operator to say ({@code relevant}: the keys that matter to the caller).
     */
    static List<PropertiesFile.Entry> entries(Path absolute, Predicate<String> relevant) throws ConfigException {
        List<PropertiesFile.Entry> entries = read(absolute);
        Optional<PropertiesFile.Duplicate> duplicate = PropertiesFile.firstDuplicate(entries, relevant);
        if (duplicate.isPresent()) {
            PropertiesFile.Duplicate d = duplicate.get();
            throw new ConfigException(absolute + ": duplicate key " + Shown.quoted(d.first().key()) + ": on line "
                    + d.first().line() + " and again on line " + d.again().line() + " (keep one)");
        }
        return entries;
    }

    private static List<PropertiesFile.Entry> read(Path absolute) throws ConfigException {
        String text;
        try {
            text = Files.readString(absolute, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(absolute + ": configuration file not found");
        } catch (AccessDeniedException e) {
            throw new ConfigException(absolute + ": configuration file not readable (permission denied)");
        } catch (IOException e) {
            throw new ConfigException(absolute + ": cannot read configuration file: " + e.getMessage());
        }
        try {
            return PropertiesFile.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(absolute + ": cannot read configuration file: " + e.getMessage());
        }
    }
}
