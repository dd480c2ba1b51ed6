package dm.ctl;

/** A dm-ctl failure the user must hear about in one line, with its exit code. */
final class CtlException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CtlException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
