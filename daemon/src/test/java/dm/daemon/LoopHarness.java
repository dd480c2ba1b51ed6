package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dm.config.ServerConfig;
import dm.scoreboard.Control;
import dm.scoreboard.Scoreboard;

/**
 * The supervisor's loop in-process: a real scoreboard and configuration file in a temporary
 * directory, a {@link FakeLauncher} instead of worker JVMs and a {@link FakeClock}. Tests turn the
 * loop by hand and play the workers' part.
 */
final class LoopHarness implements AutoCloseable {
    final Path directory;
    final Path configFile;
    final FakeClock clock = new FakeClock();
    final Scoreboard scoreboard;
    final Control control;
    final FakeLauncher launcher;
    final FakeCpu cpu = new FakeCpu();
    final Supervisor supervisor;
    final ServiceNotifier notifier;
    private final Map<String, String> settings;

    /** {@code settings} on top of: pool.min 2, pool.max 8, min-spare 1, max-spare 4, tick 100 ms, no class archive, no boot limit. */
    LoopHarness(Path directory, Map<String, String> overrides) throws Exception {
        this(directory, overrides, clock -> ServiceNotifier.NONE);
    }

    /** With the notifier {@code notifier} makes on the harness's clock (systemd's side, in a test). */
    LoopHarness(Path directory, Map<String, String> overrides, java.util.function.Function<Clock, ServiceNotifier> notifier)
            throws Exception {
        this.directory = directory;
        this.configFile = directory.resolve("server.properties");
        this.settings = new TreeMap<>(Map.of(
                "pool.min", "2", "pool.max", "8", "pool.min-spare", "1", "pool.max-spare", "4",
                "supervisor.tick-ms", "100", "worker.class-archive", "false", "pool.max-booting", "64",
                "pool.shrink-delay-ms", "0",
                "scoreboard.file", directory.resolve("scoreboard").toString()));
        settings.putAll(overrides);
        writeConfig();
        ServerConfig config = ServerConfig.load(configFile);
        scoreboard = Scoreboard.create(config.scoreboardFile(), config.poolMax(), config.workerThreads());
        control = scoreboard.control();
        launcher = new FakeLauncher(scoreboard);
        this.notifier = notifier.apply(clock);
        supervisor = new Supervisor(scoreboard, Generation.first(config, 1, false), launcher, clock, null, ConfigReader.DIRECT,
                launcher, cpu, this.notifier);
    }

    /** Changes the configuration file, as an operator would before a restart. */
    void edit(String key, String value) throws IOException {
        settings.put(key, value);
        writeConfig();
    }

    void writeRaw(String text) throws IOException {
        Files.writeString(configFile, text);
    }

    private void writeConfig() throws IOException {
        Files.writeString(configFile, settings.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
    }

    /** One turn of the loop, which must not end the daemon. */
    void turn() {
        Integer exit = supervisor.turn();
        assertNull(exit, "the loop ended with exit code " + exit);
    }

    /** One turn of the loop; its exit code, or null while it goes on. */
    Integer turnForExit() {
        return supervisor.turn();
    }

    /** Moves the clock by one tick (100 ms) and turns the loop. */
    void tick() {
        clock.advanceMillis(100);
        turn();
    }

    void ticks(int count) {
        for (int i = 0; i < count; i++) {
            tick();
        }
    }

    int live() {
        return launcher.alive().size();
    }

    @Override
    public void close() {
        scoreboard.delete();
    }
}
