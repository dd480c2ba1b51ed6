package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle CPU between two reads of /proc/stat's first line. */
class ProcStatCpuTest {
    @TempDir
    Path directory;

    @Test
    void idleAndIowaitOverUserNiceSystemIdleIowaitIrqSoftirqSteal() {
        assertArrayEquals(new long[] {40 + 5, 100 + 2 + 30 + 40 + 5 + 1 + 2 + 0},
                ProcStatCpu.parse("cpu  100 2 30 40 5 1 2 0 7 0"));
        assertNull(ProcStatCpu.parse("cpu0 100 2 30 40 5 1 2 0 0 0"), "a single core's line");
        assertNull(ProcStatCpu.parse("cpu 1 2 x 4 5"));
        assertNull(ProcStatCpu.parse(""));
    }

    @Test
    void theShareIsOfTheTicksBetweenTwoReadsAndIdleWhenItCannotTell() throws Exception {
        Path stat = directory.resolve("stat");
        Files.writeString(stat, "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\n");
        ProcStatCpu cpu = new ProcStatCpu(stat);
        assertEquals(1.0, cpu.idleShareSinceLastRead(), "nothing to compare with yet");
        Files.writeString(stat, "cpu  190 0 100 810 0 0 0 0 0 0\n");
        assertEquals(0.1, cpu.idleShareSinceLastRead(), 1e-9, "10 of 100 ticks idle");
        Files.delete(stat);
        assertEquals(1.0, cpu.idleShareSinceLastRead(), "unreadable: as if idle, so that nothing is limited");
    }
}
