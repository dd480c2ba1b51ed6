package dm.daemon;

import dm.scoreboard.ParentStatus;

/**
 * Something that happened outside the main loop, queued for it to act on. Signal handlers and
 * jsvc's stop() only enqueue these; the loop alone touches workers.
 */
sealed interface SupervisorEvent {

    /** Stop gracefully (SIGTERM, SIGINT, jsvc stop); a second one while going down forces. */
    record Stop(String cause) implements SupervisorEvent {
    }

    /** Stop now: kill every worker. */
    record ForceStop(String cause) implements SupervisorEvent {
    }

    /** Rolling restart with the configuration read again (SIGHUP). */
    record Restart(String cause) implements SupervisorEvent {
    }

    /** dm-ctl wrote a command into the control record. */
    record Command(long sequence, ParentStatus requested) implements SupervisorEvent {
    }

    /** The configuration file was read again for the restart dm-ctl or SIGHUP asked for; empty: refused. */
    record ConfigRead(long command, java.util.Optional<dm.config.ServerConfig> config) implements SupervisorEvent {
    }

    /** The PSS of the workers {@code asked} about, in KiB by pid (those that could not be read left out). */
    record PssRead(java.util.List<Long> asked, java.util.Map<Long, Long> kibByPid) implements SupervisorEvent {
    }

    /** The JDK's process reaper saw a worker exit. */
    record WorkerExited(WorkerProcess worker, int exitValue) implements SupervisorEvent {
    }
}
