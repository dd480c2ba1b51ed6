package dm.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path a worker starts with: the supervisor's own jars less those only the supervisor
 * uses, so that a worker's boot (and its class archive) never pays for them. Told apart by file
 * name, which holds wherever the jars are installed (lib/, target/lib, a Maven repository).
 */
final class WorkerClasspath {
    /** The Prometheus client library, for metrics.listen. */
    static final List<String> SUPERVISOR_ONLY_PREFIXES = List.of("prometheus-metrics-");

    private WorkerClasspath() {
    }

    /** {@code supervisorClasspath}: the supervisor's java.class.path. */
    static List<String> of(String supervisorClasspath) {
        List<String> entries = new ArrayList<>();
        for (String entry : supervisorClasspath.split(":")) {
            if (!entry.isEmpty() && !supervisorOnly(entry)) {
                entries.add(entry);
            }
        }
        return List.copyOf(entries);
    }

    private static boolean supervisorOnly(String entry) {
        Path name = Path.of(entry).getFileName();
        return name != null && SUPERVISOR_ONLY_PREFIXES.stream().anyMatch(name.toString()::startsWith);
    }
}
