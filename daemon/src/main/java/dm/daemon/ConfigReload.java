package dm.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.config.Setting;
import dm.config.Settings;

/**
 * A restart reads the configuration file again, like a reload of Apache or PHP-FPM. An invalid
 * file, or worker.jvm-options the JVM refuses, refuses the restart and the workers keep running as
 * they are: a typo must not take the service down. The socket and the scoreboard stay as they are
 * until the whole daemon restarts.
 */
final class ConfigReload {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /**
     * Settings a running daemon cannot change: the socket, the scoreboard and its size (pool.max x
     * worker.threads records), the agent and metrics endpoints.
     */
    private static final List<Setting<?>> FIXED_WHILE_RUNNING = List.of(Settings.SERVER_BIND, Settings.SERVER_PORT,
            Settings.SERVER_BACKLOG, Settings.SERVER_DEFER_ACCEPT_MS, Settings.SCOREBOARD_FILE, Settings.POOL_MAX,
            Settings.WORKER_THREADS, Settings.AGENT_LISTEN, Settings.METRICS_LISTEN);

    private ConfigReload() {
    }

    /** The configuration to restart the workers with; empty when refused (logged). */
    static Optional<ServerConfig> reload(ServerConfig current) {
        ServerConfig fresh;
        List<String> ignored = new ArrayList<>();
        try {
            ServerConfig read = ServerConfig.load(current.file());
            Optional<StartupProblem> problem = StartupCheck.beforeRestart(read, current);
            if (problem.isPresent()) {
                throw new ConfigException(problem.get().message());
            }
            for (Setting<?> setting : FIXED_WHILE_RUNNING) {
                if (!read.get(setting).equals(current.get(setting))) {
                    ignored.add(setting.key());
                }
            }
            fresh = read.keeping(current, FIXED_WHILE_RUNNING);
        } catch (ConfigException e) {
            log.error("restart refused, the workers keep running as they are: {}", e.getMessage());
            return Optional.empty();
        }
        if (!ignored.isEmpty()) {
            log.warn("restart: {} changed; that needs a restart of the whole daemon (kept as it is)", ignored);
        }
        return Optional.of(fresh);
    }
}
