package dm.daemon;

import dm.scoreboard.Control;

/**
 * Records the longest accept queue seen, for dm-ctl status, on every tick, and the backlog of a
 * socket that was handed to us (systemd chose it, not our configuration).
 */
final class ListenQueueSampler {
    private final Control control;
    private final ListenQueueProbe probe;

    ListenQueueSampler(Control control, ListenQueueProbe probe) {
        this.control = control;
        this.probe = probe;
    }

    void sample() {
        if (probe == null) {
            return;
        }
        ListenQueueProbe.Reading reading = probe.read();
        if (reading == null) {
            return;
        }
        control.recordListenQueue(reading.queued());
        if (control.backlog() < 0) {
            control.setBacklog((int) reading.backlog());
        }
    }
}
