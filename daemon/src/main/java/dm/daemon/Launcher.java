package dm.daemon;

import java.io.IOException;

/** Starts a worker process from a command; the supervisor's only way to create one. */
interface Launcher {
    WorkerHandle start(int slot, WorkerCommand command) throws IOException;
}
