package dm.it.kit;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Log lines with their timestamps ({@code 2026-11-24 14:01:05.652 INFO  dm[PID] ...}), for timing checks. */
public final class LogTimes {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /** One matching line: its time in epoch milliseconds, and the match. */
    public record Hit(long millis, Matcher match, String line) {
        public String group(int n) {
            return match.group(n);
        }

        public int intGroup(int n) {
            return Integer.parseInt(match.group(n));
        }
    }

    private LogTimes() {
    }

    public static long millis(String line) {
        return LocalDateTime.parse(line.substring(0, 23), STAMP).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    /** Every line of {@code lines} that {@code regex} finds, in order. */
    public static List<Hit> find(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        List<Hit> hits = new ArrayList<>();
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                hits.add(new Hit(millis(line), m, line));
            }
        }
        return hits;
    }

    /** Index of the first line at or after {@code from} that {@code regex} finds; -1 if none. */
    public static int indexOf(List<String> lines, String regex, int from) {
        Pattern pattern = Pattern.compile(regex);
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).find()) {
                return i;
            }
        }
        return -1;
    }
}
