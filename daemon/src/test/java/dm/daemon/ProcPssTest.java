package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PSS from /proc/PID/smaps_rollup: the real one of this JVM, and the shapes it must not misread. */
class ProcPssTest {
    @TempDir
    Path proc;

    @Test
    void readsThisJvmsPss() {
        OptionalLong kib = new ProcPss().pssKib(ProcessHandle.current().pid());
        assertTrue(kib.isPresent(), "PSS of this JVM from /proc/self/smaps_rollup");
        assertTrue(kib.getAsLong() > 10 * 1024, "a JVM uses more than 10 MiB: " + kib.getAsLong() + " KiB");
    }

    @Test
    void readsThePssLineNotRssOrPssAnon() throws Exception {
        Files.createDirectories(proc.resolve("123"));
        Files.writeString(proc.resolve("123/smaps_rollup"), "55d0c0a00000-7ffd2d5fe000 ---p 00000000 00:00 0  [rollup]\n"
                + "Rss:              102400 kB\nPss:               81234 kB\nPss_Anon:          60000 kB\n");
        assertEquals(OptionalLong.of(81234), new ProcPss(proc, Runnable::run).pssKib(123));
    }

    @Test
    void unknownRatherThanAMadeUpFigure() throws Exception {
        assertEquals(OptionalLong.empty(), new ProcPss(proc, Runnable::run).pssKib(999_999), "no such process");
        Files.createDirectories(proc.resolve("7"));
        Files.writeString(proc.resolve("7/smaps_rollup"), "Rss:              102400 kB\n");
        assertEquals(OptionalLong.empty(), new ProcPss(proc, Runnable::run).pssKib(7), "no Pss line");
        assertEquals(OptionalLong.empty(), ProcPss.parse("Pss:   12 MB"));
        assertEquals(OptionalLong.empty(), ProcPss.parse("Pss:   x kB"));
    }

    @Test
    void readsOnItsOwnThreadAndLeavesOutWhatItCannotRead() throws Exception {
        long self = ProcessHandle.current().pid();
        java.util.concurrent.CompletableFuture<java.util.Map<Long, Long>> result = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> thread = new java.util.concurrent.CompletableFuture<>();
        new ProcPss().read(java.util.List.of(self, 999_999L), kib -> {
            thread.complete(Thread.currentThread().getName());
            result.complete(kib);
        });
        java.util.Map<Long, Long> kib = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(java.util.Set.of(self), kib.keySet(), "this JVM read, the pid that does not exist left out");
        assertEquals("pss-reader", thread.get());
    }
}
