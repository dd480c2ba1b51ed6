package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.ExitCodes;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.Repo;
import dm.scoreboard.ScoreboardException;

/** Every exit code dm-ctl can return is listed in {@code dm-ctl --help}, and nothing else is. */
@ExtendWith(DmExtension.class)
class CtlExitCodesIT {
    private static final Pattern USE = Pattern.compile("ExitCodes\\.([A-Z_]+)");
    private static final Pattern REASON = Pattern.compile("Reason\\.([A-Z_]+)");

    @TempDir
    Path dir;

    @Test
    void helpListsEveryExitCodeDmCtlUses() throws IOException {
        Set<Integer> used = new TreeSet<>();
        // The codes dm-ctl's own classes return ...
        try (Stream<Path> sources = Files.list(Repo.root().resolve("ctl/src/main/java/dm/ctl"))) {
            for (Path source : (Iterable<Path>) sources::iterator) {
                Matcher m = USE.matcher(Files.readString(source));
                while (m.find()) {
                    used.add(constant(m.group(1)));
                }
            }
        }
        // ... and those of the scoreboard failures it passes on (DaemonConnection: verify, liveOwner, attach).
        Path scoreboard = Repo.root().resolve("common/src/main/java/dm/scoreboard");
        for (String method : new String[] {"Scoreboard.java:verify", "Scoreboard.java:attach", "OwnerLock.java:liveOwner"}) {
            String[] parts = method.split(":");
            Matcher m = REASON.matcher(body(Files.readString(scoreboard.resolve(parts[0])), parts[1]));
            while (m.find()) {
                used.add(ScoreboardException.Reason.valueOf(m.group(1)).exitCode());
            }
        }

        Exec.Result help = Exec.ctl(dir, null, "--help");
        assertEquals(0, help.exitCode(), () -> "--help: " + help);
        String text = help.stdout();
        int heading = text.indexOf("\nExit codes:\n");
        assertTrue(heading >= 0, () -> "an 'Exit codes:' section in --help:\n" + text);
        Set<Integer> listed = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^  (\\d+)\\s+\\S.*$").matcher(text.substring(heading));
        while (line.find()) {
            listed.add(Integer.parseInt(line.group(1)));
        }
        System.out.println("CtlExitCodesIT: used " + used + ", listed " + listed);
        assertTrue(used.contains(ExitCodes.TIMEOUT) && used.contains(ExitCodes.NO_DAEMON), "the scan found the codes: " + used);
        assertEquals(used, listed, "exit codes dm-ctl uses vs. those --help lists:\n" + text);
    }

    private static int constant(String name) {
        try {
            return ExitCodes.class.getField(name).getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no dm.ExitCodes." + name, e);
        }
    }

    /** The text of method {@code name} in {@code source}, from its declaration to its closing brace. */
    private static String body(String source, String name) {
        Matcher declaration = Pattern.compile("\\s" + name + "\\([^)]*\\)[^{;]*\\{").matcher(source);
        assertTrue(declaration.find(), "method " + name);
        int depth = 1;
        int i = declaration.end();
        while (depth > 0 && i < source.length()) {
            char c = source.charAt(i++);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        }
        return source.substring(declaration.start(), i);
    }
}
