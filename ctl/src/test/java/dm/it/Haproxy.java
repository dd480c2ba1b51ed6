package dm.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dm.it.kit.Await;
import dm.it.kit.TextFiles;

/**
 * Debian's HAProxy in the foreground (-db) with a configuration of the test, its stats socket in
 * the test directory and one log line per connection on its output: which server got it, how it
 * ended. {@link #close} kills it by pid.
 */
final class Haproxy implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/haproxy");
    /** Where HAProxy logs: its output, each line after an ISO timestamp. */
    static final String LOG = "log stdout format iso local0";
    /** One line per connection, written when it ends: client port, server, termination state, accept time, total time, bytes from the server, retries. */
    static final String LOG_FORMAT = "log-format \"conn %cp %s %ts %Ts%ms %Tt %B %rc\"";

    /** A server as the stats socket shows it. */
    record ServerStat(String name, String status, int weight, long current, long total, String agent) {
    }

    /** A connection HAProxy logged: {@code server} is "<NOSRV>" when none took it. */
    record Connection(int clientPort, String server, String termination, long acceptMillis, long totalMillis,
            long bytesFromServer, int retries) {
        long endMillis() {
            return acceptMillis + Math.max(0, totalMillis);
        }
    }

    private final Process process;
    private final Path log;
    private final Path statsSocket;
    private final String backend;

    private Haproxy(Process process, Path log, Path statsSocket, String backend) {
        this.process = process;
        this.log = log;
        this.statsSocket = statsSocket;
        this.backend = backend;
    }

    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(BINARY.toString(), "-v").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().findFirst().orElse("?");
    }

    /** Checks {@code config} with haproxy -c, starts it, and returns once the stats socket answers. */
    static Haproxy start(Path dir, String config, Path statsSocket, String backend) throws IOException,
            InterruptedException {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        Process check = new ProcessBuilder(BINARY.toString(), "-c", "-f", file.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new AssertionError("haproxy -c refuses the configuration:\n" + checked + "\n" + config);
        }
        Path log = dir.resolve("haproxy.log");
        Process process = new ProcessBuilder(BINARY.toString(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Haproxy haproxy = new Haproxy(process, log, statsSocket, backend);
        try {
            Await.until(Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("haproxy exited with " + process.exitValue() + ":\n" + TextFiles.read(log));
                }
                return Files.exists(statsSocket) && !haproxy.servers().isEmpty();
            }, "haproxy's stats socket " + statsSocket);
        } catch (RuntimeException | Error e) {
            haproxy.close();
            throw e;
        }
        return haproxy;
    }

    long pid() {
        return process.pid();
    }

    /** The servers of the backend, by name; empty while the stats socket does not answer. */
    Map<String, ServerStat> servers() {
        String csv;
        try {
            csv = command("show stat");
        } catch (IOException e) {
            return Map.of();
        }
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return Map.of();
        }
        List<String> header = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        Map<String, ServerStat> servers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (!f[0].equals(backend) || f[1].equals("BACKEND")) {
                continue;
            }
            servers.put(f[1], new ServerStat(f[1], field(header, f, "status"), Integer.parseInt(field(header, f, "weight")),
                    Long.parseLong(field(header, f, "scur")), Long.parseLong(field(header, f, "stot")),
                    field(header, f, "agent_desc")));
        }
        return servers;
    }

    private static String field(List<String> header, String[] fields, String name) {
        int i = header.indexOf(name);
        return i >= 0 && i < fields.length ? fields[i] : "";
    }

    /** One command on the stats socket (the socket closes after it) and its whole answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(statsSocket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every connection logged so far. */
    List<Connection> connections() {
        List<Connection> found = new ArrayList<>();
        for (String line : TextFiles.read(log).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[1].equals("conn")) {
                continue; // another message, or a line still being written
            }
            found.add(new Connection(Integer.parseInt(f[2]), f[3], f[4], Long.parseLong(f[5]), Long.parseLong(f[6]),
                    Long.parseLong(f[7]), Integer.parseInt(f[8].replace("+", ""))));
        }
        return found;
    }

    /** HAProxy's own messages (server state changes, warnings), each with its time. */
    List<String> messages() {
        return Arrays.stream(TextFiles.read(log).split("\n")).filter(l -> l.matches("^\\d{4}-.*") && !l.contains(" conn "))
                .toList();
    }

    @Override
    public void close() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
