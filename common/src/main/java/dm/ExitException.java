package dm;

/**
 * A failure the operator must hear about in one line, ending the command with a documented exit
 * code ({@link ExitCodes}): no stack trace for bad input.
 */
public final class ExitException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ExitException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
