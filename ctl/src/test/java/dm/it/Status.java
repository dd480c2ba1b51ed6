package dm.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The output of {@code dm-ctl status}, parsed. */
record Status(long supervisorPid, String parentStatus, List<Row> rows, String text) {
    private static final Pattern HEADER = Pattern.compile("^daemon pid (\\d+), status (\\S+), ");
    /** SLOT PID STATE STARTED (date time) REQUESTS BUSY CLIENT */
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(?:\\S+ \\S+|-)\\s+(\\d+)\\s+\\S+");

    record Row(int slot, long pid, String state, long calls) {
    }

    static Status parse(String text) {
        long pid = -1;
        String status = null;
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : text.split("\n")) {
            Matcher header = HEADER.matcher(line);
            if (header.find()) {
                pid = Long.parseLong(header.group(1));
                status = header.group(2);
            } else if (line.strip().startsWith("SLOT")) {
                inTable = true;
            } else if (inTable) {
                Matcher row = ROW.matcher(line);
                if (!row.find()) {
                    throw new AssertionError("unexpected row in dm-ctl status: '" + line + "' in:\n" + text);
                }
                rows.add(new Row(Integer.parseInt(row.group(1)), Long.parseLong(row.group(2)), row.group(3),
                        Long.parseLong(row.group(4))));
            }
        }
        if (status == null || !inTable) {
            throw new AssertionError("cannot parse dm-ctl status:\n" + text);
        }
        return new Status(pid, status, List.copyOf(rows), text);
    }

    Set<Long> workerPids() {
        return rows.stream().map(Row::pid).filter(p -> p != 0).collect(Collectors.toSet());
    }

    long count(String state) {
        return rows.stream().filter(r -> r.state().equals(state)).count();
    }
}
