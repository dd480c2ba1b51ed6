package dm.daemon;

/** What becomes of a slot whose worker has exited: all the reaper decides. */
sealed interface Verdict {
    /** Start a new worker in the slot on this turn of the loop. */
    record ReplaceNow() implements Verdict {
    }

    /** Start one after a crash back-off. */
    record ReplaceAfter(long millis) implements Verdict {
    }

    /** Leave the slot empty: the worker was retired, or the pool is going down. */
    record LeaveEmpty() implements Verdict {
    }

    /** A worker of the new configuration cannot boot: go back to the previous one. */
    record AbandonRestart() implements Verdict {
    }

    /** The pool cannot boot at all: stop the daemon with {@code reason}. */
    record StopDaemon(String reason) implements Verdict {
    }

    Verdict REPLACE_NOW = new ReplaceNow();
    Verdict LEAVE_EMPTY = new LeaveEmpty();
    Verdict ABANDON_RESTART = new AbandonRestart();
}
