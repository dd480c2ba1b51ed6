package dm.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dm.it.kit.Await;
import dm.it.kit.Processes;
import dm.it.kit.Repo;
import dm.it.kit.TextFiles;

/**
 * One dm "host" of a balanced topology: bin/dm-daemon bound to its own loopback address (127.0.0.2,
 * 127.0.0.3, ...) with its own configuration, scoreboard and log. Started again on the same
 * configuration after a stop or a kill, it is a new generation with a log of its own.
 * {@link #close} kills the supervisor and every JVM it started, by pid.
 */
final class HostInstance implements AutoCloseable {
    /** Three daemons start at once on a machine that other builds may load heavily. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern WORKER_STARTED = Pattern.compile("supervisor: worker (\\d+) \\(slot \\d+\\) started");

    final String name;
    final String address;
    final Path config;
    final int generation;
    private final Path log;
    private final Process process;

    private HostInstance(String name, String address, Path config, int generation, Path log, Process process) {
        this.name = name;
        this.address = address;
        this.config = config;
        this.generation = generation;
        this.log = log;
        this.process = process;
    }

    /** Starts bin/dm-daemon -c config and returns once it listens on {@code address} and serves its agent endpoint. */
    static HostInstance start(String name, String address, Path config, int generation) {
        Path dir = config.getParent();
        Path log = dir.resolve("daemon-" + generation + ".log");
        Process process;
        try {
            process = Repo.processBuilder(List.of(Repo.daemonLauncher(), "-c", config.toString()))
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start bin/dm-daemon", e);
        }
        HostInstance instance = new HostInstance(name, address, config, generation, log, process);
        try {
            Pattern listening = Pattern.compile("supervisor: listening on " + Pattern.quote(address) + ":\\d+ ");
            Pattern agent = Pattern.compile("supervisor: agent endpoint on " + Pattern.quote(address) + ":\\d+ ");
            Await.until(START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + ": dm-daemon exited with " + process.exitValue()
                            + " before listening:\n" + TextFiles.read(log));
                }
                return instance.logMatches(listening) && instance.logMatches(agent);
            }, name + " to listen on " + address + " and serve its agent endpoint");
            return instance;
        } catch (RuntimeException | Error e) {
            instance.close();
            throw new AssertionError(e.getMessage() + "; its log:\n" + TextFiles.read(log), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path logFile() {
        return log;
    }

    /** Every worker this generation has started, by the supervisor's log. */
    Set<Long> workerPids() {
        Set<Long> pids = new HashSet<>();
        for (String line : lines()) {
            Matcher m = WORKER_STARTED.matcher(line);
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    /** kill -9 of the supervisor alone; its workers are left to notice. */
    void killSupervisor() {
        process.toHandle().destroyForcibly();
    }

    /** The supervisor and the JVMs it started, alive now (an orphaned worker is found by its directory in its command line). */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        if (Processes.running(process.toHandle())) {
            all.add(process.toHandle());
        }
        process.toHandle().descendants().filter(Processes::running).forEach(all::add);
        for (ProcessHandle p : Processes.dmJvmsMentioning(config.getParent())) {
            if (!all.contains(p)) {
                all.add(p);
            }
        }
        return all;
    }

    int awaitExit(Duration timeout) {
        Await.until(timeout, () -> !process.isAlive(), name + " (pid " + pid() + ") to exit");
        return process.exitValue();
    }

    boolean logMatches(Pattern pattern) {
        return lines().stream().anyMatch(l -> pattern.matcher(l).find());
    }

    Optional<String> firstLine(Pattern pattern) {
        return lines().stream().filter(l -> pattern.matcher(l).find()).findFirst();
    }

    List<String> lines() {
        return TextFiles.completeLines(log);
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        all.add(process.toHandle());
        all.addAll(Processes.dmJvmsMentioning(config.getParent()));
        Processes.killAll(all);
    }

    @Override
    public String toString() {
        return name + " (" + address + ", generation " + generation + ", pid " + pid() + ")";
    }
}
