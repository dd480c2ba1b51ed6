package dm.it.kit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Small shared checks. */
public final class Checks {
    private Checks() {
    }

    public static void assertExists(Path file) {
        assertTrue(Files.exists(file), file + " should exist");
    }

    /** Names in {@code dir} that a daemon leaves behind: scoreboards, locks, half-made scoreboards. */
    public static List<String> scoreboardLeftovers(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.contains("scoreboard") || n.endsWith(".lock") || n.contains(".new-"))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A one-line operator message: no stack trace, no exception class names. */
    public static void assertOneLine(String what, String text) {
        String trimmed = text.strip();
        assertTrue(!trimmed.isEmpty(), what + " is empty");
        assertTrue(!trimmed.contains("\n"), () -> what + " is not one line:\n" + text);
        assertTrue(!text.contains("\tat ") && !text.contains("Exception"), () -> what + " shows a stack trace or exception:\n" + text);
    }
}
