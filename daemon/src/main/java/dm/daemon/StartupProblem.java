package dm.daemon;

import dm.ExitException;

/** One reason a start would fail: the line that says it, and the documented exit code it ends with. */
record StartupProblem(int exitCode, String message) {

    ExitException toException() {
        return new ExitException(exitCode, message);
    }
}
