package dm.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dm.JvmFlags;
import dm.config.ServerConfig;
import dm.worker.WorkerMain;

/**
 * Starts worker JVMs. Called only from the supervisor's main loop, one long-lived thread.
 *
 * <p>The worker's stdin is inherited: it is the listening socket (fd 0). Its stdout and stderr
 * go through one pipe to an {@link OutputRelay}. The command line is built from the
 * {@code java.home} of this JVM: under jsvc the process's own command is jsvc, not java.
 */
final class WorkerLauncher {
    private final long supervisorPid;
    private final PrintStream output;
    private ServerConfig config;
    private List<String> commandPrefix;

    WorkerLauncher(ServerConfig config, long supervisorPid, PrintStream output) {
        this.supervisorPid = supervisorPid;
        this.output = output;
        reconfigure(config);
    }

    /** Workers started from now on use {@code config} (worker.jvm-options, worker.classpath, ...). */
    void reconfigure(ServerConfig config) {
        this.config = config;
        this.commandPrefix = buildCommandPrefix(config);
    }

    private static List<String> buildCommandPrefix(ServerConfig config) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.forFeatureRelease(Runtime.version().feature()));
        String logConfig = System.getProperty("logback.configurationFile");
        if (logConfig != null) {
            command.add("-Dlogback.configurationFile=" + logConfig);
        }
        command.addAll(config.workerJvmOptions());
        List<String> classpath = new ArrayList<>();
        classpath.add(System.getProperty("java.class.path"));
        classpath.addAll(config.workerClasspath().stream().map(Path::toString).collect(Collectors.toList()));
        command.add("-cp");
        command.add(String.join(":", classpath));
        command.add(WorkerMain.class.getName());
        return List.copyOf(command);
    }

    WorkerProcess spawn(int slot, long generation) throws IOException {
        List<String> command = new ArrayList<>(commandPrefix);
        command.add(config.snapshotFile().toString());
        command.add(Integer.toString(slot));
        command.add(Long.toString(supervisorPid));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectErrorStream(true)
                .start();
        new OutputRelay(process.getInputStream(), output, slot).start();
        return new WorkerProcess(slot, process, generation);
    }
}
