package dm.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path a worker starts with: the supervisor's own jars less those only the supervisor
 * uses, and less Chronicle Map's while the workers can open the scoreboard without it (its
 * records file, see dm.scoreboard.RecordLayout), so that a worker's boot never pays for them: the
 * JVM, and the JDK's search of every jar for a logging service that JNA's start brings, open fewer
 * and smaller jars. Told apart by file name, which holds wherever the jars are installed (lib/,
 * target/lib, a Maven repository).
 */
final class WorkerClasspath {
    /** The Prometheus client library (metrics.listen), picocli (the command line), Commons Daemon (jsvc). */
    static final List<String> SUPERVISOR_ONLY_PREFIXES = List.of("prometheus-metrics-", "picocli-", "commons-daemon-");
    /** Chronicle Map and what it brings. */
    static final List<String> CHRONICLE_MAP_PREFIXES = List.of("chronicle-", "compiler-", "affinity-", "posix-", "jnr-",
            "jffi-", "asm-", "javapoet-", "jna-platform-");

    private WorkerClasspath() {
    }

    /**
     * {@code supervisorClasspath}: the supervisor's java.class.path; {@code withChronicleMap}: whether
     * the workers open the scoreboard through Chronicle Map.
     */
    static List<String> of(String supervisorClasspath, boolean withChronicleMap) {
        List<String> entries = new ArrayList<>();
        for (String entry : supervisorClasspath.split(":")) {
            if (!entry.isEmpty() && !startsWithAny(entry, SUPERVISOR_ONLY_PREFIXES)
                    && (withChronicleMap || !startsWithAny(entry, CHRONICLE_MAP_PREFIXES))) {
                entries.add(entry);
            }
        }
        return List.copyOf(entries);
    }

    private static boolean startsWithAny(String entry, List<String> prefixes) {
        Path name = Path.of(entry).getFileName();
        return name != null && prefixes.stream().anyMatch(name.toString()::startsWith);
    }
}
