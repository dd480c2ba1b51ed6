package dm.worker;

import java.nio.file.Path;

import dm.ExitCodes;
import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.handler.HandlerSettings;

/**
 * {@code HandlerCheckMain CONFIG}: creates the configured handler and runs its configure step, as a
 * worker would before it serves, and exits: 0 when the handler takes its settings, 78 (a line
 * starting with {@link #REFUSED}) when it refuses one, 70 when it cannot even be created (the
 * workers will say why). Started by the supervisor's preflight in a JVM of its own, so that
 * handler code never runs in the supervisor.
 */
public final class HandlerCheckMain {
    public static final String REFUSED = "dm-handler-check: refused: ";

    private HandlerCheckMain() {
    }

    public static void main(String[] args) {
        int exitCode;
        try {
            ServerConfig config = ServerConfig.load(Path.of(args[0]));
            HandlerLoader.load(config).configure(HandlerSettings.of(config.handlerSettings()));
            exitCode = ExitCodes.OK;
        } catch (ConfigException e) {
            System.out.println(REFUSED + e.getMessage());
            exitCode = ExitCodes.CONFIG;
        } catch (BootException e) {
            System.out.println((e.settingRefused() ? REFUSED : "dm-handler-check: ") + e.getMessage());
            exitCode = e.settingRefused() ? ExitCodes.CONFIG : ExitCodes.WORKER_BOOT_FAILED;
        }
        System.out.flush();
        Runtime.getRuntime().halt(exitCode); // whatever threads the handler left behind
    }
}
