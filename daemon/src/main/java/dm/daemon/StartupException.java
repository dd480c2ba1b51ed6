package dm.daemon;

/** The daemon cannot start; carries the one-line reason and the exit code for it. */
final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    StartupException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
