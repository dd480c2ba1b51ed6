package dm.scoreboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's view of the scoreboard without Chronicle Map: the supervisor's layout file, the plain
 * mapping at its offsets, and every way a layout that does not fit is left unused.
 */
class MappedRecordsTest {
    @TempDir
    Path directory;

    @Test
    void everyFieldOfEveryRecordIsWhereChronicleKeepsIt() throws Exception {
        Path file = directory.resolve("scoreboard");
        try (Scoreboard supervisor = Scoreboard.create(file, 3, 2)) {
            assertTrue(supervisor.layoutProblem().isEmpty(), () -> supervisor.layoutProblem().get());
            assertTrue(Files.isRegularFile(RecordLayout.fileFor(file)));
            Scoreboard worker = Scoreboard.attach(file);
            assertInstanceOf(MappedSlotValue.class, worker.slot(0).value(), "attached without Chronicle Map");
            assertEquals(3, worker.slotCount());
            assertEquals(2, worker.threadsPerSlot());
            long value = 1;
            for (Method setter : SlotValue.class.getMethods()) {
                if (!setter.getName().startsWith("setOrdered")) {
                    continue;
                }
                String field = setter.getName().substring("setOrdered".length());
                Method getter = SlotValue.class.getMethod("getVolatile" + field, setter.getParameterTypes().length == 2
                        ? new Class<?>[] {int.class} : new Class<?>[0]);
                // Written through Chronicle, read through the mapping; then the other way round.
                for (int key = Scoreboard.CONTROL_KEY; key < 3 * 3; key++) {
                    SlotValue chronicle = record(supervisor, key);
                    SlotValue mapped = record(worker, key);
                    value++;
                    set(setter, chronicle, value);
                    assertEquals(value, get(getter, mapped), field + " of record " + key + ", written by Chronicle");
                    value++;
                    set(setter, mapped, value);
                    assertEquals(value, get(getter, chronicle), field + " of record " + key + ", read by Chronicle");
                }
            }
            assertTrue(value > 20 * 2 * 10, "every field of every record was tried: " + value);
        }
    }

    @Test
    void aLayoutThatIsNotTheScoreboardsIsNotUsed() throws Exception {
        Path file = directory.resolve("scoreboard");
        Path layout = RecordLayout.fileFor(file);
        try (Scoreboard first = Scoreboard.create(file, 2, 1)) {
            assertNotNull(RecordLayout.readFor(file));
        }
        List<String> lines = Files.readAllLines(layout);

        Files.writeString(layout, String.join("\n", lines).replace(lines.get(1), "(dev=1,ino=2)") + "\n");
        assertNull(RecordLayout.readFor(file), "another file's layout");
        Files.writeString(layout, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        assertNull(RecordLayout.readFor(file), "a record missing");
        Files.writeString(layout, String.join("\n", lines).replace("\n" + lines.get(6) + "\n", "\n" + (Long.parseLong(
                lines.get(6)) + 4) + "\n") + "\n");
        assertNull(RecordLayout.readFor(file), "a record off its alignment");
        Files.writeString(layout, "not a layout\n");
        assertNull(RecordLayout.readFor(file));

        Files.delete(layout);
        try (Scoreboard attached = Scoreboard.attach(file)) {
            assertFalse(attached.slot(0).value() instanceof MappedSlotValue, "no layout: through Chronicle Map");
            assertEquals(2, attached.slotCount());
        }
    }

    @Test
    void aNewScoreboardMakesTheOldLayoutUselessAndDeleteRemovesIt() throws Exception {
        Path file = directory.resolve("scoreboard");
        Scoreboard.create(file, 2, 1).close();
        List<String> old = Files.readAllLines(RecordLayout.fileFor(file));
        Scoreboard second = Scoreboard.create(file, 2, 1);
        assertFalse(Files.readAllLines(RecordLayout.fileFor(file)).get(1).equals(old.get(1)), "a new file, a new key");
        Files.write(RecordLayout.fileFor(file), old);
        assertNull(RecordLayout.readFor(file), "the layout of the scoreboard this one replaced");
        second.delete();
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(RecordLayout.fileFor(file)));
    }

    private static SlotValue record(Scoreboard scoreboard, int key) {
        if (key == Scoreboard.CONTROL_KEY) {
            return scoreboard.control().value();
        }
        int slots = scoreboard.slotCount();
        if (key < slots) {
            return scoreboard.slot(key).value();
        }
        int thread = key - slots;
        return scoreboard.slot(thread / scoreboard.threadsPerSlot()).thread(thread % scoreboard.threadsPerSlot()).value();
    }

    private static void set(Method setter, SlotValue record, long value) throws Exception {
        Object v = setter.getParameterTypes()[setter.getParameterCount() - 1] == int.class ? (Object) (int) value : value;
        if (setter.getParameterCount() == 2) {
            setter.invoke(record, MetricSlots.LENGTH - 1, v);
        } else {
            setter.invoke(record, v);
        }
    }

    private static long get(Method getter, SlotValue record) throws Exception {
        Object v = getter.getParameterCount() == 1 ? getter.invoke(record, MetricSlots.LENGTH - 1) : getter.invoke(record);
        return ((Number) v).longValue();
    }
}
