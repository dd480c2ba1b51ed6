package dm.daemon;

import java.util.List;

/**
 * The command line of one worker about to start. {@code trainer}: it writes the class archive as
 * it exits, so the supervisor restarts it once it accepts (see {@link ClassArchive}).
 */
record WorkerCommand(List<String> argv, boolean trainer) {
}
