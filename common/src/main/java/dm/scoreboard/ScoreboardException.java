package dm.scoreboard;

import dm.ExitCodes;

/** A scoreboard that cannot be created or attached, with the exit code that cause maps to. */
public final class ScoreboardException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NO_DAEMON(ExitCodes.NO_DAEMON),
        ALREADY_RUNNING(ExitCodes.ALREADY_RUNNING),
        PERMISSION_DENIED(ExitCodes.PERMISSION_DENIED),
        NOT_A_SCOREBOARD(ExitCodes.NOT_A_SCOREBOARD),
        IO(ExitCodes.FAILURE);

        private final int exitCode;

        Reason(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Reason reason;

    public ScoreboardException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
