package dm.daemon;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dm.ExitCodes;
import dm.ExitException;
import dm.config.ConfigException;
import dm.config.ServerConfig;

/**
 * The one way a daemon comes up, for dm-daemon and for jsvc alike: read and check the
 * configuration, choose the logging configuration, then open the daemon. No static logger here:
 * logback must not start before the logging configuration is chosen.
 */
final class Boot {

    private Boot() {
    }

    /** The configuration, with everything --check finds short of binding the address (the start binds it next). */
    static ServerConfig checkedConfig(Path file) throws ExitException {
        ServerConfig config;
        try {
            config = ServerConfig.load(file);
        } catch (ConfigException e) {
            throw new ExitException(ExitCodes.CONFIG, e.getMessage());
        }
        StartupCheck.beforeStart(config);
        return config;
    }

    /** An open daemon: lock held, socket bound, scoreboard created, supervisor ready to run. */
    static Daemon open(Path configFile, PrintStream workerOutput) throws ExitException {
        ServerConfig config = checkedConfig(configFile);
        useLogConfigNextTo(config.file());
        Daemon daemon = new Daemon(config);
        daemon.open(workerOutput);
        // Should the JVM go down some other way, take every worker with it.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly), "kill-workers"));
        return daemon;
    }

    /**
     * Unless the launcher chose a logging configuration: logback.xml beside the configuration
     * file, else the installation's conf/logback.xml.
     */
    private static void useLogConfigNextTo(Path configFile) {
        if (System.getProperty("logback.configurationFile") != null) {
            return;
        }
        Path beside = configFile.resolveSibling("logback.xml");
        Path installed = ServerConfig.defaultFile().resolveSibling("logback.xml");
        for (Path candidate : new Path[] {beside, installed}) {
            if (Files.isReadable(candidate)) {
                System.setProperty("logback.configurationFile", candidate.toAbsolutePath().toString());
                return;
            }
        }
    }
}
