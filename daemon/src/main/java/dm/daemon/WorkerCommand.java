package dm.daemon;

import java.util.List;

/**
 * The command line of one worker about to start. {@code trainer}: it writes the class archive as
 * it exits, so the supervisor restarts it once it accepts; {@code fromArchive}: it maps the class
 * archive, and a JVM that refuses to start then refused the archive (see {@link ClassArchive}).
 */
record WorkerCommand(List<String> argv, boolean trainer, boolean fromArchive) {
    WorkerCommand(List<String> argv, boolean trainer) {
        this(argv, trainer, false);
    }
}
