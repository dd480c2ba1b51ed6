package dm.it.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything {@code dm-ctl status} prints, parsed: the pool lines and each worker row with its current
 * request's duration and client. A line that does not have the documented shape fails the test.
 */
public record PoolStatus(long supervisorPid, String parentStatus, String started, int port, int total, int idle, int busy,
        int starting, int leaving, long maxBusy, long maxReached, int threadsPerWorker, int idleThreads, int busyThreads,
        long accepted, long slow, long timeoutKills, long listenQueue, long maxListenQueue, long backlog,
        String scoreboardLine, List<Row> rows, String text) {

    private static final Pattern HEADER = Pattern.compile(
            "^daemon pid (\\d+), status (\\S+), started (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) \\(up [\\dd :]+\\), port (\\d+)$");
    private static final Pattern WORKERS = Pattern.compile("^workers: (\\d+) total, (\\d+) idle, (\\d+) busy, (\\d+) starting,"
            + " (\\d+) leaving; max busy (\\d+), pool\\.max reached (\\d+) times$");
    private static final Pattern THREADS = Pattern.compile("^threads: (\\d+) per worker, (\\d+) idle, (\\d+) busy"
            + "(?:; since the CPU was saturated \\d+ take new connections, the idle others stand by)?$");
    private static final Pattern CONNECTIONS = Pattern.compile("^connections: (\\d+) accepted, (\\d+) slow,"
            + " \\d+ reset by clients, (\\d+) workers killed by timeouts; listen queue (\\d+|\\?) now, (\\d+) max seen, backlog (\\d+|\\?)$");
    private static final Pattern SCOREBOARD = Pattern.compile("^scoreboard: (\\S+)   \\(_ idle, W busy, S starting, G leaving,"
            + " \\. empty\\)$");
    private static final Pattern TABLE_HEADER = Pattern.compile(
            "^SLOT\\s+PID\\s+STATE\\s+THREADS\\s+STARTED\\s+REQUESTS\\s+PSS\\s+BUSY\\s+CLIENT$");
    /**
     * SLOT PID STATE THREADS STARTED REQUESTS PSS BUSY CLIENT; THREADS is "busy/threads", PSS is "N.N MiB" or
     * "-" (not read yet), BUSY is "N ms" or "-", CLIENT is "IP:PORT" or "-" (those of the thread busy the longest).
     */
    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\d+)/(\\d+)"
            + "\\s+(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d|-)\\s+(\\d+)\\s+(?:(\\d+\\.\\d) MiB|-)\\s+(?:(\\d+) ms|-)"
            + "\\s+(\\S+)$");

    /**
     * One worker row; {@code busyMillis} is -1 and {@code client} null when the worker serves no connection;
     * {@code pssMib} is NaN until the supervisor has read the worker's PSS.
     */
    public record Row(int slot, long pid, String state, int busyThreads, int threads, String started, long requests,
            double pssMib, long busyMillis, String client) {
    }

    public static PoolStatus parse(String text) {
        String[] lines = text.split("\n");
        if (lines.length < 6) {
            throw new AssertionError("dm-ctl status too short:\n" + text);
        }
        Matcher header = matchOrFail(HEADER, lines[0], text);
        Matcher workers = matchOrFail(WORKERS, lines[1], text);
        Matcher threads = matchOrFail(THREADS, lines[2], text);
        Matcher connections = matchOrFail(CONNECTIONS, lines[3], text);
        Matcher scoreboard = matchOrFail(SCOREBOARD, lines[4], text);
        matchOrFail(TABLE_HEADER, lines[5].strip(), text);
        List<Row> rows = new ArrayList<>();
        for (int i = 6; i < lines.length; i++) {
            Matcher row = matchOrFail(ROW, lines[i], text);
            rows.add(new Row(Integer.parseInt(row.group(1)), Long.parseLong(row.group(2)), row.group(3),
                    Integer.parseInt(row.group(4)), Integer.parseInt(row.group(5)), row.group(6),
                    Long.parseLong(row.group(7)), row.group(8) == null ? Double.NaN : Double.parseDouble(row.group(8)),
                    row.group(9) == null ? -1 : Long.parseLong(row.group(9)), row.group(10).equals("-") ? null : row.group(10)));
        }
        return new PoolStatus(Long.parseLong(header.group(1)), header.group(2), header.group(3),
                Integer.parseInt(header.group(4)), Integer.parseInt(workers.group(1)), Integer.parseInt(workers.group(2)),
                Integer.parseInt(workers.group(3)), Integer.parseInt(workers.group(4)), Integer.parseInt(workers.group(5)),
                Long.parseLong(workers.group(6)), Long.parseLong(workers.group(7)), Integer.parseInt(threads.group(1)),
                Integer.parseInt(threads.group(2)), Integer.parseInt(threads.group(3)), Long.parseLong(connections.group(1)),
                Long.parseLong(connections.group(2)), Long.parseLong(connections.group(3)), number(connections.group(4)),
                Long.parseLong(connections.group(5)), number(connections.group(6)), scoreboard.group(1), List.copyOf(rows),
                text);
    }

    /** Pids of the workers in the table. */
    public Set<Long> workerPids() {
        return rows.stream().map(Row::pid).filter(p -> p != 0).collect(Collectors.toSet());
    }

    /** How many rows are in {@code state} (idle, busy, starting, leaving). */
    public long count(String state) {
        return rows.stream().filter(r -> r.state().equals(state)).count();
    }

    public Row row(int slot) {
        return rows.stream().filter(r -> r.slot() == slot).findFirst()
                .orElseThrow(() -> new AssertionError("no row for slot " + slot + " in:\n" + text));
    }

    private static long number(String text) {
        return text.equals("?") ? -1 : Long.parseLong(text);
    }

    private static Matcher matchOrFail(Pattern pattern, String line, String text) {
        Matcher m = pattern.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("dm-ctl status line '" + line + "' does not match /" + pattern + "/ in:\n" + text);
        }
        return m;
    }
}
