package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idle CPU between two reads of /proc/stat's first line. */
class ProcStatCpuTest {
    @TempDir
    Path directory;

    private static boolean parse(String text, long[] into) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return ProcStatCpu.parse(bytes, bytes.length, into);
    }

    @Test
    void theFirstEightFieldsOfTheAllCoresLine() {
        long[] fields = new long[8];
        assertTrue(parse("cpu  100 2 30 40 5 1 2 0 7 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", fields));
        assertArrayEquals(new long[] {100, 2, 30, 40, 5, 1, 2, 0}, fields, "guest and guest_nice left out");
        assertTrue(parse("cpu  1 2 3 4 5\n", fields), "an older kernel's five fields");
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 0, 0, 0}, fields);
        assertFalse(parse("cpu0 100 2 30 40 5 1 2 0 0 0", fields), "a single core's line");
        assertFalse(parse("cpu  1 2 x 4 5", fields));
        assertFalse(parse("cpu  1 2 3", fields), "too few fields");
        assertFalse(parse("", fields));
    }

    @Test
    void theShareIsOfTheTicksBetweenTwoReadsAndIdleWhenItCannotTell() throws Exception {
        Path stat = directory.resolve("stat");
        Files.writeString(stat, "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\n");
        ProcStatCpu cpu = new ProcStatCpu(stat);
        assertEquals(1.0, cpu.idleShareSinceLastRead(), "nothing to compare with yet");
        Files.writeString(stat, "cpu  190 0 100 805 5 0 0 0 0 0\n");
        assertEquals(0.1, cpu.idleShareSinceLastRead(), 1e-9, "10 of 100 ticks idle or waiting for I/O");
        assertEquals(1.0, new ProcStatCpu(directory.resolve("missing")).idleShareSinceLastRead(),
                "unreadable: as if idle, so that nothing is limited");
    }
}
