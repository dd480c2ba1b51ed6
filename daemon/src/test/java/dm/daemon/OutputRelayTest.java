package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every relayed line names its worker: its own log lines as written, anything else with the worker's prefix. */
class OutputRelayTest {
    private static final LocalDateTime NOW = LocalDateTime.of(2026, 12, 2, 6, 40, 1, 123_000_000);

    @Test
    void aLogLineOfTheWorkerPassesAsWritten() {
        OutputRelay relay = new OutputRelay(inputStreamOf(""), System.out, 3, 4242, false);
        String line = "2026-12-02 06:40:00.001 INFO  dm[4242] slot 3: accepting connections (812 ms after it was spawned)";
        assertEquals(line, relay.tagged(line, NOW));
    }

    @Test
    void outputOutsideLoggingGetsTheWorkersPrefix() {
        OutputRelay relay = new OutputRelay(inputStreamOf(""), System.out, 3, 4242, false);
        assertEquals("2026-12-02 06:40:01.123 INFO  dm[4242] slot 3: \tat dm.it.handlers.HangingHandler.hangHere(HangingHandler.java:20)",
                relay.tagged("\tat dm.it.handlers.HangingHandler.hangHere(HangingHandler.java:20)", NOW));
        assertEquals("2026-12-02 06:40:01.123 INFO  dm[4242] slot 3: Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):",
                relay.tagged("Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):", NOW));
        assertEquals("2026-12-02 06:40:01.123 INFO  dm[4242] slot 3: ", relay.tagged("", NOW), "an empty line too");
    }

    /** Under the journal: the worker's own lines keep their priority; the others get info, without a time. */
    @Test
    void underTheJournalEveryRelayedLineHasAPriority() {
        OutputRelay relay = new OutputRelay(inputStreamOf(""), System.out, 3, 4242, true);
        String logged = "<4>WARN  dm[4242] slot 3: handler failed on 127.0.0.1:40000: java.lang.IllegalStateException";
        assertEquals(logged, relay.tagged(logged, NOW));
        assertEquals("<6>INFO  dm[4242] slot 3: Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):",
                relay.tagged("Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):", NOW));
    }

    @Test
    void relaysLineByLineUntilThePipeCloses() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        String input = "2026-12-02 06:40:00.001 INFO  dm[77] slot 0: hello\n\"main\" #1 prio=5\n\tat a.B.c(B.java:1)\n";
        OutputRelay relay = new OutputRelay(inputStreamOf(input), new PrintStream(sink, true, StandardCharsets.UTF_8), 0, 77, false);
        relay.start();
        relay.join(10_000);
        List<String> lines = sink.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), () -> "relayed: " + lines);
        assertEquals("2026-12-02 06:40:00.001 INFO  dm[77] slot 0: hello", lines.get(0));
        assertTrue(lines.get(1).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  dm\\[77\\] slot 0: \"main\" #1 prio=5"),
                lines.get(1));
        assertTrue(lines.get(2).endsWith(" INFO  dm[77] slot 0: \tat a.B.c(B.java:1)"), lines.get(2));
    }

    private static ByteArrayInputStream inputStreamOf(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
