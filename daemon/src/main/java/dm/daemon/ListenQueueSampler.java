package dm.daemon;

import dm.scoreboard.Control;

/**
 * Publishes the accept queue in the control record on every tick (now, and the longest seen), and
 * the backlog as the kernel has it: for a socket handed to us (systemd's) only the kernel knows it,
 * and for ours it is server.backlog capped by net.core.somaxconn. dm-ctl shows what is published
 * here and never reads /proc/net/tcp.
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
        if (control.backlog() != reading.backlog()) {
            control.setBacklog((int) reading.backlog());
        }
    }
}
