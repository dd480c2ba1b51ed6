package dm.handler;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * A small line-based request/response protocol, as a model for real ones. One request per line,
 * one reply line per request (UTF-8, lines end in LF; CR LF is accepted):
 * <pre>
 *   PING          -> PONG
 *   ECHO text     -> text
 *   UPPER text    -> TEXT
 *   TIME          -> 2026-11-24T13:50:00Z
 *   WHO           -> worker PID slot N
 *   QUIT          -> BYE, then the server closes
 *   anything else -> ERR unknown command: ...
 * </pre>
 * A reply is flushed as one whole line, so a client never waits on Nagle's algorithm.
 */
public final class LineProtocolHandler implements ConnectionHandler {
    /** Longest request line accepted; a longer one ends the connection. */
    static final int MAX_LINE = 8192;

    @Override
    public void handle(Connection connection) throws Exception {
        Reader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(connection.output(), StandardCharsets.UTF_8));
        StringBuilder buffer = new StringBuilder();
        String line;
        while ((line = readLine(in, buffer)) != null) {
            if (line.length() > MAX_LINE) {
                reply(out, "ERR line too long");
                return;
            }
            int space = line.indexOf(' ');
            String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String argument = space < 0 ? "" : line.substring(space + 1);
            switch (verb) {
                case "PING":
                    reply(out, "PONG");
                    break;
                case "ECHO":
                    reply(out, argument);
                    break;
                case "UPPER":
                    reply(out, argument.toUpperCase(Locale.ROOT));
                    break;
                case "TIME":
                    reply(out, Instant.now().toString());
                    break;
                case "WHO":
                    reply(out, "worker " + connection.worker().pid() + " slot " + connection.worker().slot());
                    break;
                case "QUIT":
                    reply(out, "BYE");
                    return;
                default:
                    reply(out, "ERR unknown command: " + verb);
            }
        }
    }

    /**
     * The next line without its LF or CR LF; null at the end of the stream. Reads at most MAX_LINE + 1
     * characters of a line without a LF (a longer line is returned cut there, and is refused): a
     * client that never sends a LF cannot make the worker run out of memory.
     */
    private static String readLine(Reader in, StringBuilder line) throws IOException {
        line.setLength(0);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                    line.setLength(line.length() - 1);
                }
                return line.toString();
            }
            line.append((char) c);
            if (line.length() > MAX_LINE + 1) {
                return line.toString();
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    private static void reply(BufferedWriter out, String text) throws IOException {
        out.write(text);
        out.write('\n');
        out.flush();
    }
}
