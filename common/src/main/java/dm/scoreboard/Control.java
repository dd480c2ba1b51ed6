package dm.scoreboard;

/**
 * The control record: the supervisor's pid and status, plus the command channel of dm-ctl.
 *
 * <p>dm-ctl submits a command by compare-and-swap of one long that packs a sequence number and
 * the requested status, so two dm-ctl runs at once never lose each other's sequence. The
 * supervisor records the last sequence it took up ({@link #acknowledged()}) and the last one it
 * finished ({@link #completed()}), which is how dm-ctl knows a command was carried out.
 */
public final class Control {

    /** A command as dm-ctl wrote it. */
    public record Command(long sequence, ParentStatus requested) {
    }

    private final SlotValue value;
    /** Keeps the mapped memory {@link #value} points into from being unmapped (see {@link Slot}). */
    @SuppressWarnings("unused")
    private final Scoreboard owner;

    Control(SlotValue value) {
        this(value, null);
    }

    Control(SlotValue value, Scoreboard owner) {
        this.value = value;
        this.owner = owner;
    }

    public long supervisorPid() {
        return value.getVolatilePid();
    }

    public long startedMillis() {
        return value.getVolatileStartedMillis();
    }

    public ParentStatus status() {
        return ParentStatus.of(value.getVolatileState());
    }

    /** Supervisor: announces itself on a fresh scoreboard. */
    public void announce(long pid, long startedMillis) {
        value.setOrderedStartedMillis(startedMillis);
        value.setOrderedPid(pid);
        value.setOrderedState(ParentStatus.NORMAL.ordinal());
    }

    public void setStatus(ParentStatus status) {
        value.setOrderedState(status.ordinal());
    }

    /** dm-ctl: asks the supervisor for {@code requested}; returns the command's sequence number. */
    public long submit(ParentStatus requested) {
        while (true) {
            long current = value.getVolatileCommand();
            long sequence = (current >>> 8) + 1;
            if (value.compareAndSwapCommand(current, (sequence << 8) | requested.ordinal())) {
                return sequence;
            }
        }
    }

    /** The most recent command dm-ctl wrote (sequence 0: none yet). */
    public Command latestCommand() {
        long raw = value.getVolatileCommand();
        return new Command(raw >>> 8, ParentStatus.of((int) (raw & 0xff)));
    }

    public void acknowledge(long sequence) {
        value.setOrderedAck(sequence);
    }

    public long acknowledged() {
        return value.getVolatileAck();
    }

    public void complete(long sequence) {
        value.setOrderedDone(sequence);
    }

    public long completed() {
        return value.getVolatileDone();
    }
}
