package dm.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import dm.JvmFlags;
import dm.config.ConfigSnapshot;
import dm.config.ServerConfig;
import dm.worker.WorkerMain;

/**
 * One configuration the pool runs: the validated settings, the pool policy made from them, the
 * command line of its workers and the snapshot of the settings those workers read. A restart
 * makes the next generation; the supervisor holds the current one as a single reference, so a
 * swap (or a roll-back) changes all of it at once.
 */
final class Generation {
    private final long number;
    private final ServerConfig config;
    private final PoolPolicy policy;
    private final AcceptLimit acceptLimit;
    private final List<String> jvmCommand;
    private final List<String> classpath;
    private final ClassArchive classArchive;
    private final Path snapshot;
    private final long supervisorPid;
    private final boolean workersNeedChronicleMap;

    private Generation(long number, ServerConfig config, long supervisorPid, boolean workersNeedChronicleMap) {
        this.number = number;
        this.workersNeedChronicleMap = workersNeedChronicleMap;
        this.config = config;
        this.supervisorPid = supervisorPid;
        this.policy = new PoolPolicy(config.poolMin(), config.poolMax(), config.minSpare(), config.maxSpare(),
                config.maxSpawnRate(), config.workerThreads(),
                PoolPolicy.ticksFor(config.shrinkDelayMillis(), config.tickMillis()));
        this.acceptLimit = new AcceptLimit(config.saturatedThreads(), config.workerThreads(),
                PoolPolicy.ticksFor(config.shrinkDelayMillis(), config.tickMillis()));
        List<String> options = new ArrayList<>();
        // java.home, not the process's own command: under jsvc that is jsvc, not java.
        options.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        options.addAll(JvmFlags.forFeatureRelease(Runtime.version().feature()));
        String logConfig = System.getProperty("logback.configurationFile");
        if (logConfig != null) {
            options.add("-Dlogback.configurationFile=" + logConfig);
        }
        options.addAll(NativeLibraries.unpackBeside(config.scoreboardFile()));
        options.addAll(NativeLibraries.searchPath());
        // slf4j's provider by name: no ServiceLoader scan through every jar of the class path at boot.
        options.add("-Dslf4j.provider=dm.logging.ShippedLogbackProvider");
        options.add("-Dslf4j.internal.verbosity=WARN"); // else slf4j says on stderr that it used the property
        options.addAll(config.workerJvmOptions());
        // dm's own jars only: the worker loads worker.classpath in the handler's own class loader.
        this.classpath = WorkerClasspath.of(System.getProperty("java.class.path"), workersNeedChronicleMap);
        this.jvmCommand = List.copyOf(options);
        List<String> fingerprinted = new ArrayList<>(classpath);
        config.workerClasspath().forEach(entry -> fingerprinted.add(entry.toString()));
        this.classArchive = config.classArchive()
                ? ClassArchive.forCommand(config.scoreboardFile(), jvmCommand, fingerprinted, Runtime.version().feature())
                : ClassArchive.disabled();
        this.snapshot = snapshotFile(config, number);
    }

    /**
     * The first generation; writes its snapshot. {@code workersNeedChronicleMap}: the scoreboard has
     * no records file (its layout problem was logged), so workers open it through Chronicle Map.
     */
    static Generation first(ServerConfig config, long supervisorPid, boolean workersNeedChronicleMap) throws IOException {
        removeLaterSnapshots(config);
        return written(new Generation(1, config, supervisorPid, workersNeedChronicleMap));
    }

    /** The generation after this one, for a restart; writes its snapshot. */
    Generation next(ServerConfig fresh) throws IOException {
        return written(new Generation(number + 1, fresh, supervisorPid, workersNeedChronicleMap));
    }

    private static Generation written(Generation generation) throws IOException {
        ConfigSnapshot.write(generation.config, generation.snapshot);
        return generation;
    }

    long number() {
        return number;
    }

    ServerConfig config() {
        return config;
    }

    PoolPolicy policy() {
        return policy;
    }

    /** How many threads take new connections: kept across the ticks of this generation. */
    AcceptLimit acceptLimit() {
        return acceptLimit;
    }

    Path snapshot() {
        return snapshot;
    }

    /** The command line of the next worker for {@code slot}. */
    WorkerCommand commandFor(int slot) {
        ClassArchive.Options archive = classArchive.optionsForNextWorker();
        List<String> command = new ArrayList<>(jvmCommand);
        command.addAll(archive.options());
        command.add("-cp");
        command.add(String.join(":", classpath));
        command.add(WorkerMain.class.getName());
        command.add(snapshot.toString());
        command.add(Integer.toString(slot));
        command.add(Long.toString(supervisorPid));
        return new WorkerCommand(command, archive.trainer(), archive.fromArchive());
    }

    /** worker.max-requests plus jitter, so that workers started together do not all leave together. */
    long maxCallsForNewWorker() {
        if (config.maxRequests() == 0) {
            return 0;
        }
        int jitter = config.maxRequestsJitter();
        return config.maxRequests() + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(jitter + 1));
    }

    /** The worker that was writing the class archive has exited (or could not be started). */
    void trainerExited(boolean normally) {
        classArchive.trainerExited(normally);
    }

    /** A worker started from the class archive could not start: the JVM refused the archive. */
    void classArchiveRefused(WorkerProcess worker) {
        classArchive.refused(worker.pid, worker.slot);
    }

    /** No worker of this generation runs any more: its snapshot can go. */
    void discard() {
        try {
            Files.deleteIfExists(snapshot);
        } catch (IOException ignored) {
            // removeSnapshots catches it on the way out
        }
    }

    /**
     * The snapshots of later generations beside the scoreboard, including those a crashed daemon
     * left. The first generation's, {@code <scoreboard>.conf}, is written again at start without
     * following a link, so a link planted there is refused rather than quietly removed.
     */
    static void removeLaterSnapshots(ServerConfig config) {
        Path base = config.snapshotFile();
        String prefix = base.getFileName() + ".";
        try (Stream<Path> siblings = Files.list(base.toAbsolutePath().getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a stale snapshot costs disk space only
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }

    /** {@code <scoreboard>.conf} for the first generation, {@code <scoreboard>.conf.N} for the N-th. */
    private static Path snapshotFile(ServerConfig config, long number) {
        Path base = config.snapshotFile();
        return number == 1 ? base : base.resolveSibling(base.getFileName() + "." + number);
    }

    /** On the way out: every snapshot. */
    static void removeSnapshots(ServerConfig config) {
        removeLaterSnapshots(config);
        try {
            Files.deleteIfExists(config.snapshotFile());
        } catch (IOException ignored) {
            // the next daemon writes it again
        }
    }

    @Override
    public String toString() {
        return "generation " + number;
    }
}
