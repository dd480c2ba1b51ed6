package dm.daemon;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dm.ExitCodes;
import dm.config.ConfigException;
import dm.config.ServerConfig;
import dm.handler.ConnectionHandler;
import dm.handler.HandlerSettings;
import dm.worker.HandlerCheckMain;

/**
 * Lets the handler check its handler.* settings before any worker starts (at --check, at start and
 * at -restart), so that a value it refuses is a bad configuration (78) with the handler's own line.
 * The handler's constructor and configure step run in a short-lived JVM of their own: the
 * supervisor never runs handler code, which could hang it, exit it or leave threads in it. Only
 * handlers that have a configure step of their own are checked: the others have nothing to say.
 * Nor is it run under jsvc's init, which runs as root before it switches to DM_USER: there the
 * workers, which run as that user, are the ones to find a refused value.
 */
final class HandlerCheck {
    private static final long TIMEOUT_SECONDS = 30;

    private HandlerCheck() {
    }

    static boolean hasConfigureStep(Class<?> handler) {
        try {
            return handler.getMethod("configure", HandlerSettings.class).getDeclaringClass() != ConnectionHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Runs the handler's configure step on {@code config}; throws when the handler refuses a setting. */
    static void run(ServerConfig config) throws ConfigException {
        if (rootBeforeJsvcSwitchesUser()) {
            return; // the workers, which run as DM_USER, check the settings instead
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(config.workerJvmOptions()); // the handler's system properties, as in a worker
        command.add("-cp");
        command.add(String.join(":", WorkerClasspath.of(System.getProperty("java.class.path"), false))); // as a worker's
        command.add(HandlerCheckMain.class.getName());
        command.add(config.file().toString());
        Process process;
        try {
            // stdin is never the listening socket (fd 0 of the supervisor once it listens)
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return; // cannot start a JVM: neither can the supervisor start workers, and it will say so
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        boolean exited;
        try {
            exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return;
        }
        if (!exited) {
            process.destroyForcibly();
            throw new ConfigException(config.file() + ": worker.handler = '" + config.handlerClass()
                    + "': its configure step did not return within " + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != ExitCodes.CONFIG) {
            return; // accepted, or the handler cannot even be created: the workers will say why (exit 76)
        }
        String refusal = output.join().lines().filter(line -> line.startsWith(HandlerCheckMain.REFUSED))
                .reduce((first, last) -> last).map(line -> line.substring(HandlerCheckMain.REFUSED.length()))
                .orElse("worker.handler = '" + config.handlerClass() + "': refuses its settings");
        throw new ConfigException(refusal.startsWith(config.file().toString()) ? refusal : config.file() + ": " + refusal);
    }

    /**
     * jsvc calls init(), and so this preflight, as root, and only then switches to DM_USER for the
     * supervisor and the workers: handler code must not run with more rights than the workers have.
     */
    private static boolean rootBeforeJsvcSwitchesUser() {
        boolean jsvc = ProcessHandle.current().info().command()
                .map(command -> Path.of(command).getFileName().toString().startsWith("jsvc")).orElse(false);
        return jsvc && effectiveUserIsRoot();
    }

    /** Linux: the second field of Uid: in /proc/self/status is the effective user id. */
    private static boolean effectiveUserIsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.split("\\s+")).anyMatch(fields -> fields.length > 2 && fields[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
