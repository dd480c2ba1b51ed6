package dm.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * PSS from {@code /proc/PID/smaps_rollup} (Linux 4.14 and later): the {@code Pss:} line, in kB.
 * PSS rather than RSS because workers share pages (the JDK's, the class archive's): PSS divides
 * each shared page among the processes that map it, so the figures of all workers add up to what
 * the pool really costs. The kernel sums it for one read; no page walk of our own. The reads run
 * on one background thread of their own.
 */
final class ProcPss implements PssSource {
    private final Path proc;
    private final Executor thread;

    ProcPss() {
        this(Path.of("/proc"), Executors.newSingleThreadExecutor(runnable -> {
            Thread reader = new Thread(runnable, "pss-reader");
            reader.setDaemon(true);
            return reader;
        }));
    }

    ProcPss(Path proc, Executor thread) {
        this.proc = proc;
        this.thread = thread;
    }

    @Override
    public void read(List<Long> pids, Consumer<Map<Long, Long>> done) {
        thread.execute(() -> {
            Map<Long, Long> kibByPid = new HashMap<>();
            for (long pid : pids) {
                pssKib(pid).ifPresent(kib -> kibByPid.put(pid, kib));
            }
            done.accept(kibByPid);
        });
    }

    OptionalLong pssKib(long pid) {
        try (BufferedReader reader = Files.newBufferedReader(proc.resolve(pid + "/smaps_rollup"), StandardCharsets.US_ASCII)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("Pss:")) {
                    return parse(line);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty(); // gone meanwhile, or no smaps_rollup: unknown, never a made-up figure
        }
    }

    /** {@code Pss:              81234 kB}. */
    static OptionalLong parse(String line) {
        String[] words = line.trim().split("\\s+");
        if (words.length != 3 || !words[2].equals("kB")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(words[1]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
