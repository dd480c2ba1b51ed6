package dm.config;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * The text of a properties file read as {@link Properties#load} reads it, but line by line, so
 * that every key is known with the line it is on: a key given twice is refused with both lines
 * instead of silently taking the last value.
 *
 * <p>Each logical line (a line and the lines its trailing backslashes continue it onto) is handed
 * to {@link Properties#load} alone, so keys, separators and escapes mean exactly what they mean to
 * the JDK.
 */
final class PropertiesFile {

    /** One key as the file gives it, with the number (from 1) of the line it starts on. */
    record Entry(String key, String value, int line) {
    }

    private PropertiesFile() {
    }

    /** Every key of {@code text} in file order; duplicates are kept, see {@link #firstDuplicate}. */
    static List<Entry> parse(String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<Entry> entries = new ArrayList<>();
        int next = 0;
        while (next < lines.length) {
            int first = next;
            String line = lines[next++];
            int start = 0;
            while (start < line.length() && " \t\f".indexOf(line.charAt(start)) >= 0) {
                start++;
            }
            if (start == line.length() || line.charAt(start) == '#' || line.charAt(start) == '!') {
                continue;
            }
            StringBuilder logical = new StringBuilder(line);
            while (continues(lines[next - 1]) && next < lines.length) {
                logical.append('\n').append(lines[next++]);
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(logical.toString()));
            } catch (IOException e) {
                throw new IllegalStateException(e); // a StringReader does not fail
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (first + 1) + ": " + e.getMessage(), e);
            }
            for (String key : one.stringPropertyNames()) {
                entries.add(new Entry(key, one.getProperty(key), first + 1));
            }
        }
        return entries;
    }

    /** A key given twice: where first, and where again. */
    record Duplicate(Entry first, Entry again) {
    }

    /** The first key that {@code entries} give twice, among those {@code relevant} accepts. */
    static Optional<Duplicate> firstDuplicate(List<Entry> entries, Predicate<String> relevant) {
        Map<String, Entry> seen = new HashMap<>();
        for (Entry entry : entries) {
            if (!relevant.test(entry.key())) {
                continue;
            }
            Entry earlier = seen.putIfAbsent(entry.key(), entry);
            if (earlier != null) {
                return Optional.of(new Duplicate(earlier, entry));
            }
        }
        return Optional.empty();
    }

    static Properties toProperties(List<Entry> entries) {
        Properties properties = new Properties();
        for (Entry entry : entries) {
            properties.setProperty(entry.key(), entry.value());
        }
        return properties;
    }

    /** An odd number of backslashes at the end continues the line (an even number are escaped backslashes). */
    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }
}
