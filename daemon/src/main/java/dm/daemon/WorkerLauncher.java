package dm.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    private List<String> jvmOptions;
    private List<String> classpath;
    private ClassArchive classArchive;

    WorkerLauncher(ServerConfig config, long supervisorPid, PrintStream output) {
        this.supervisorPid = supervisorPid;
        this.output = output;
        reconfigure(config);
    }

    /** Workers started from now on use {@code config} (worker.jvm-options, worker.classpath, ...). */
    void reconfigure(ServerConfig config) {
        this.config = config;
        List<String> options = new ArrayList<>();
        options.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        options.addAll(JvmFlags.forFeatureRelease(Runtime.version().feature()));
        String logConfig = System.getProperty("logback.configurationFile");
        if (logConfig != null) {
            options.add("-Dlogback.configurationFile=" + logConfig);
        }
        options.addAll(config.workerJvmOptions());
        List<String> entries = new ArrayList<>(Arrays.asList(System.getProperty("java.class.path").split(":")));
        config.workerClasspath().forEach(entry -> entries.add(entry.toString()));
        this.jvmOptions = List.copyOf(options);
        this.classpath = List.copyOf(entries);
        this.classArchive = config.classArchive()
                ? ClassArchive.forCommand(config.scoreboardFile(), jvmOptions, classpath)
                : ClassArchive.disabled();
    }

    WorkerProcess spawn(int slot, long generation) throws IOException {
        boolean[] trainer = new boolean[1];
        List<String> command = new ArrayList<>(jvmOptions);
        command.addAll(classArchive.optionsForNextWorker(trainer));
        command.add("-cp");
        command.add(String.join(":", classpath));
        command.add(WorkerMain.class.getName());
        command.add(config.snapshotFile().toString());
        command.add(Integer.toString(slot));
        command.add(Long.toString(supervisorPid));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            if (trainer[0]) {
                classArchive.trainerExited(false);
            }
            throw e;
        }
        new OutputRelay(process.getInputStream(), output, slot).start();
        return new WorkerProcess(slot, process, generation, trainer[0]);
    }

    /** The worker that was writing the class archive has exited. */
    void trainerExited(boolean normally) {
        classArchive.trainerExited(normally);
    }
}
