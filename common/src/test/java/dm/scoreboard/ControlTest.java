package dm.scoreboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The command word dm-ctl writes: sequence in the high 56 bits, requested status in the low 8. */
class ControlTest {

    /** The heap implementation generated at build time (Values.newHeapInstance would need Chronicle's JVM flags). */
    private static SlotValue heapValue() {
        try {
            return (SlotValue) Class.forName(SlotValue.class.getName() + "$$Heap").getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Control control() {
        return new Control(heapValue(), null);
    }

    @Test
    void noCommandYet() {
        Control control = control();
        assertEquals(0, control.latestCommand().sequence());
        assertEquals(ParentStatus.NORMAL, control.latestCommand().requested());
    }

    @Test
    void eachSubmitGetsTheNextSequenceAndKeepsItsRequest() {
        Control control = control();
        assertEquals(1, control.submit(ParentStatus.CHILD_RESTART));
        assertEquals(new Control.Command(1, ParentStatus.CHILD_RESTART), control.latestCommand());
        assertEquals(2, control.submit(ParentStatus.WAIT_DOWN));
        assertEquals(new Control.Command(2, ParentStatus.WAIT_DOWN), control.latestCommand());
        assertEquals(3, control.submit(ParentStatus.FORCE_DOWN));
        assertEquals(new Control.Command(3, ParentStatus.FORCE_DOWN), control.latestCommand());
    }

    @Test
    void largeSequencesDoNotSpillIntoTheRequest() {
        SlotValue value = heapValue();
        value.setCommand(((1L << 40) << 8) | ParentStatus.NORMAL.ordinal());
        Control control = new Control(value, null);
        assertEquals((1L << 40) + 1, control.submit(ParentStatus.STOPPED));
        assertEquals(new Control.Command((1L << 40) + 1, ParentStatus.STOPPED), control.latestCommand());
    }

    @Test
    void acknowledgeAndCompleteAreSeparate() {
        Control control = control();
        long sequence = control.submit(ParentStatus.WAIT_DOWN);
        control.acknowledge(sequence);
        assertEquals(sequence, control.acknowledged());
        assertEquals(0, control.completed());
        control.complete(sequence, Control.Result.INVALID_CONFIGURATION);
        assertEquals(sequence, control.completed());
        assertEquals(Control.Result.INVALID_CONFIGURATION, control.lastResult());
        control.complete(sequence + 1, Control.Result.DONE);
        assertEquals(Control.Result.DONE, control.lastResult());
    }

    @Test
    void announceAndStatus() {
        Control control = control();
        control.announce(4242, 1234567L);
        assertEquals(4242, control.supervisorPid());
        assertEquals(1234567L, control.startedMillis());
        assertEquals(ParentStatus.NORMAL, control.status());
        control.setStatus(ParentStatus.CHILD_RESTART);
        assertEquals(ParentStatus.CHILD_RESTART, control.status());
    }

    @Test
    void theListenQueueIsPublishedNowAndAtItsLongest() {
        Control control = control();
        control.announce(4242, 1234567L);
        assertEquals(-1, control.listenQueue(), "not read yet: dm-ctl shows ?");
        control.recordListenQueue(3);
        control.recordListenQueue(1);
        assertEquals(1, control.listenQueue(), "now");
        assertEquals(3, control.maxListenQueue(), "longest seen");
    }
}
