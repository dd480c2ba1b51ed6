package dm.it.kit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The C tools of shared/bench (the load generator {@code loadgen}, the C prefork reference
 * {@code prefork_ref}...), built into a test's directory, and loadgen's last line,
 * {@code RESULT mode=... key=value ...}, read into its figures. The sources are at ../shared/bench
 * beside the repository, or at -Ddm.bench.src=DIR; without them, or if they do not build, the test
 * is skipped with one line saying so.
 */
public final class LoadGenerator {
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(120);
    private final Path bin;

    private LoadGenerator(Path bin) {
        this.bin = bin;
    }

    /** Builds shared/bench into {@code dir/bench} (shared/ may be read-only); skips the test when it cannot. */
    public static LoadGenerator build(Path dir) throws IOException {
        Path source = Path.of(System.getProperty("dm.bench.src", Repo.root().resolve("../shared/bench").toString()))
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(source.resolve("loadgen.c")),
                "no load generator at " + source + " (shared/bench; -Ddm.bench.src=DIR to name another)");
        Path bin = Files.createDirectories(dir.resolve("bench"));
        Exec.Result make = Exec.run(dir, BUILD_TIMEOUT, List.of("make", "-s", "-C", source.toString(), "OUT=" + bin));
        assumeTrue(make.exitCode() == 0, () -> "cannot build the load generator: " + make);
        return new LoadGenerator(bin);
    }

    /** One of the built programs: loadgen, prefork_ref, prefork_ref_poll, epoll_echo. */
    public Path program(String name) {
        return bin.resolve(name);
    }

    /** Runs loadgen with {@code args} (each run stops by itself) and returns its RESULT figures; fails without one. */
    public Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(program("loadgen").toString()));
        command.addAll(List.of(args));
        Exec.Result result = Exec.run(bin, Duration.ofSeconds(90), command);
        String last = result.stdout().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("RESULT "), () -> "loadgen printed no RESULT line: " + result);
        return Result.parse(last);
    }

    /** loadgen's RESULT line: {@code key=value} pairs (conns_per_s, rt_per_s, starved, srv_cpu_ms_per_10k...). */
    public record Result(String line, Map<String, String> values) {
        static Result parse(String line) {
            Map<String, String> values = new HashMap<>();
            for (String part : line.split("\\s+")) {
                int equals = part.indexOf('=');
                if (equals > 0) {
                    values.put(part.substring(0, equals), part.substring(equals + 1));
                }
            }
            return new Result(line, Map.copyOf(values));
        }

        /** The value of {@code key}, or null when the line has none. */
        public String get(String key) {
            return values.get(key);
        }

        /** The value of {@code key} as a number; fails, with the line, when it is missing. */
        public double number(String key) {
            String value = values.get(key);
            assertTrue(value != null, () -> "no " + key + " in loadgen's " + line);
            return Double.parseDouble(value);
        }
    }
}
