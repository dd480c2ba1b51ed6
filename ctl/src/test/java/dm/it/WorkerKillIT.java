package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Echo;
import dm.it.kit.PoolStatus;

/** Requirement 2: kill -9 of a busy worker is logged, its slot gets a new pid, queued connections are all served. */
@ExtendWith(DmExtension.class)
class WorkerKillIT {
    static final int QUEUED = 6;

    @TempDir
    Path dir;

    @Test
    void killedWorkerIsReplacedAndQueuedConnectionsAreServed(Daemons daemons) throws Exception {
        // pool.max = pool.min: the queued connections can only be served by the replacement.
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "2", "pool.max", "2"));
        daemon.awaitIdleWorkers(2, Duration.ofSeconds(30));
        Random random = new Random();

        Echo victimClient = new Echo(daemon.port());
        Echo survivorClient = new Echo(daemon.port());
        victimClient.roundTrip(Echo.randomBytes(random, 5000));
        survivorClient.roundTrip(Echo.randomBytes(random, 5000));

        // Which worker serves the victim: dm-ctl status --threads names its client.
        DaemonUnderTest.Serving served = daemon.awaitServing(victimClient.localPort(), Duration.ofSeconds(10));
        long victimPid = served.pid();
        int victimSlot = served.slot();
        assertEquals(Long.valueOf(victimPid), daemon.liveWorkersByLog().get(victimSlot), "victim pid is the slot's worker");

        // Connections that queue behind two busy workers; each reads its echo on its own thread.
        AtomicInteger echoed = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> queued = new ArrayList<>();
        for (int i = 0; i < QUEUED; i++) {
            byte[] message = Echo.randomBytes(random, 100 + 20_000 * i);
            Echo client = new Echo(daemon.port());
            client.send(message);
            int index = i;
            Thread thread = new Thread(() -> {
                try (client) {
                    client.socket.shutdownOutput();
                    byte[] echo = client.readExactly(message.length);
                    if (!java.util.Arrays.equals(message, echo)) {
                        throw new IOException("echo differs (" + echo.length + " of " + message.length + " bytes)");
                    }
                    if (client.read() != -1) {
                        throw new IOException("more bytes than sent");
                    }
                    echoed.incrementAndGet();
                } catch (Exception e) {
                    failures.add("queued " + index + ": " + e);
                }
            }, "queued-" + i);
            thread.start();
            queued.add(thread);
        }
        assertEquals(0, echoed.get(), "nothing can be served while both workers are busy");

        ProcessHandle victim = ProcessHandle.of(victimPid).orElseThrow();
        assertTrue(victim.destroyForcibly(), "SIGKILL sent");
        daemon.waitForLog("supervisor: worker " + victimPid + " \\(slot " + victimSlot + "\\) killed by signal SIGKILL \\(not sent by dm: possibly out of memory\\)$",
                Duration.ofSeconds(10));

        // The victim's own connection is reset (or closed): it gets no echo.
        boolean victimFailed;
        try {
            byte[] probe = Echo.randomBytes(random, 10);
            victimFailed = !java.util.Arrays.equals(probe, victimClient.exchange(probe));
        } catch (IOException expected) {
            victimFailed = true;
        }
        assertTrue(victimFailed, "the killed worker's connection must not keep echoing");
        victimClient.close();

        for (Thread thread : queued) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive(), thread.getName() + " still waiting for its echo");
        }
        assertTrue(failures.isEmpty(), () -> "queued connections failed: " + failures);
        assertEquals(QUEUED, echoed.get(), "queued connections echoed");

        // The survivor's conversation was untouched throughout.
        survivorClient.roundTrip(Echo.randomBytes(random, 70_000));
        survivorClient.close();

        PoolStatus status = daemon.status();
        PoolStatus.Row row = status.row(victimSlot);
        assertNotEquals(0, row.pid(), "slot has a worker");
        assertNotEquals(victimPid, row.pid(), "slot got a new pid");
        assertTrue(ProcessHandle.of(row.pid()).map(ProcessHandle::isAlive).orElse(false), "new worker alive");
        assertEquals(Long.valueOf(row.pid()), daemon.liveWorkersByLog().get(victimSlot), "log and status agree");
        assertEquals(2, status.workerPids().size(), () -> "two live workers:\n" + status.text());
        System.out.println("WorkerKillIT: worker " + victimPid + " (slot " + victimSlot + ") replaced by " + row.pid());
    }
}
