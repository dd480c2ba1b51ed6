package dm.ctl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Build time only ('mvn package', ctl/pom.xml): the Debian package's manual pages of dm-daemon,
 * dm-ctl and dm-jsvc and the bash completion of dm-daemon and dm-ctl, made from the same picocli
 * command specs that parse their command lines (dm-jsvc, a shell script, gets a spec of its own
 * here), so that --help and the manual cannot disagree. Plain troff, gzipped as Debian policy asks
 * (gzip -9n: maximal compression, no timestamp); the changelog is gzipped the same way.
 *
 * <p>{@code ManPages OUT_DIR CHANGELOG}: writes OUT_DIR/man/man8/*.8.gz, OUT_DIR/bash-completion/dm-*,
 * OUT_DIR/changelog.gz. The pages carry the version and date of the changelog's latest entry.
 */
public final class ManPages {
    /** What the package's dm.home ({@code /usr/share/dm}) makes of the default configuration. */
    private static final String PACKAGED_DEFAULT = "/usr/share/dm/conf/server.properties";
    private static final String ETC_CONFIG = "/etc/dm/server.properties";

    private final String version;
    private final String date;

    private ManPages(String version, String date) {
        this.version = version;
        this.date = date;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ManPages OUT_DIR CHANGELOG");
        }
        Path out = Path.of(args[0]);
        String changelog = Files.readString(Path.of(args[1]));
        java.util.regex.Matcher head = java.util.regex.Pattern.compile("\\A\\S+ \\(([^)]+)\\)").matcher(changelog);
        java.util.regex.Matcher trailer = java.util.regex.Pattern.compile("(?m)^ -- .+>  (.+)$").matcher(changelog);
        if (!head.find() || !trailer.find()) {
            throw new IllegalArgumentException(args[1] + ": not a Debian changelog (no version or no trailer line)");
        }
        String date = java.time.ZonedDateTime.parse(trailer.group(1).strip(),
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toLocalDate().toString();
        ManPages pages = new ManPages(head.group(1), date);
        CommandLine daemon = new CommandLine(Class.forName("dm.daemon.DaemonMain").getDeclaredConstructor().newInstance());
        CommandLine ctl = CtlMain.commandLine();
        Path man8 = Files.createDirectories(out.resolve("man/man8"));
        gzip(pages.page(daemon.getCommandSpec(), "run the dm supervisor and its pool of worker JVMs", DAEMON_EXTRA),
                man8.resolve("dm-daemon.8.gz"));
        gzip(pages.page(ctl.getCommandSpec(), "control a running dm daemon, show its status and metrics", CTL_EXTRA),
                man8.resolve("dm-ctl.8.gz"));
        gzip(pages.page(jsvcSpec(), "run dm under Apache Commons Daemon (jsvc), without systemd", JSVC_EXTRA),
                man8.resolve("dm-jsvc.8.gz"));
        Path completions = Files.createDirectories(out.resolve("bash-completion"));
        writeCompletion(daemon, completions.resolve("dm-daemon"));
        writeCompletion(ctl, completions.resolve("dm-ctl"));
        writeCompletion(new CommandLine(jsvcSpec()), completions.resolve("dm-jsvc"));
        gzip(changelog, out.resolve("changelog.gz"));
    }

    /** bin/dm-jsvc's command line, as its header comment describes it. */
    static CommandSpec jsvcSpec() {
        CommandSpec spec = CommandSpec.create().name("dm-jsvc");
        spec.usageMessage().description(
                "Runs dm under Apache Commons Daemon (jsvc) on machines without systemd. Start it as root: jsvc binds"
                        + " the port in init() (ports below 1024 are fine), then runs the supervisor and every worker"
                        + " as DM_USER, without any capability.");
        spec.addOption(OptionSpec.builder("-c", "--config").paramLabel("FILE").type(Path.class)
                .description("Configuration file of the daemon (default: " + ETC_CONFIG + ").").build());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("ACTION").type(String.class)
                .completionCandidates(List.of("start", "run", "stop"))
                .description("start: start in the background; returns once the daemon runs, or failed (its log: DM_LOGFILE).",
                        "run: the same in the foreground (jsvc -nodetach), the log on stdout.",
                        "stop: graceful stop (wait-down, bounded by shutdown.timeout-ms), like dm-ctl -wdown.")
                .build());
        Map<String, String> exits = new LinkedHashMap<>();
        exits.put("0", "started, or stopped");
        exits.put("64", "bad command line");
        exits.put("67", "DM_USER does not exist");
        exits.put("69", "jsvc is missing; stop: no daemon running (no pid file)");
        exits.put("71", "cannot listen (port in use, address not available, permission denied)");
        exits.put("73", "already running");
        exits.put("76", "workers cannot boot (handler, worker.jvm-options)");
        exits.put("77", "permission denied");
        exits.put("78", "bad configuration");
        spec.usageMessage().exitCodeListHeading("Exit codes:%n").exitCodeList(exits);
        return spec;
    }

    /** The sections after OPTIONS, COMMANDS and EXIT STATUS, per page: heading, then paragraphs ("name: text" for a list). */
    private static final Map<String, List<String>> DAEMON_EXTRA = sections(
            "ENVIRONMENT", List.of(
                    "JAVA_HOME: the JDK to run (default: java on PATH); Java 17 or later.",
                    "DM_HOME: the installation (default: the directory above bin/; the package's is /usr/share/dm).",
                    "DM_DAEMON_JAVA_OPTS: more options for the supervisor JVM (worker JVMs: worker.jvm-options).",
                    "JOURNAL_STREAM: set by systemd when the output goes to the journal: each log line then starts"
                            + " with its syslog priority and has no timestamp (see /etc/dm/logback.xml)."),
            "FILES", List.of(
                    ETC_CONFIG + ": the configuration; every key is explained in it.",
                    "/etc/dm/logback.xml: logging of the supervisor and of every worker.",
                    "/run/dm/scoreboard: the status table the supervisor shares with its workers and dm-ctl (mode 0640,"
                            + " group dm); scoreboard.file says where."),
            "SEE ALSO", List.of("dm-ctl(8), dm-jsvc(8), systemctl(1), journalctl(1); /usr/share/doc/dm/README.md"));

    private static final Map<String, List<String>> CTL_EXTRA = sections(
            "PERMISSIONS", List.of("dm-ctl works through the daemon's scoreboard. status and metrics need only read access"
                    + " to it: root, the dm account, or a member of the dm group (adduser USER dm). -fdown, -wdown and"
                    + " -restart change something and need write access: root or dm (sudo -u dm dm-ctl -restart)."),
            "ENVIRONMENT", List.of(
                    "JAVA_HOME: the JDK to run (default: java on PATH).",
                    "DM_CTL_JAVA_OPTS: more options for its JVM."),
            "FILES", List.of(
                    ETC_CONFIG + ": the configuration it reads scoreboard.file from.",
                    "/run/dm/scoreboard: the daemon's scoreboard."),
            "SEE ALSO", List.of("dm-daemon(8), dm-jsvc(8); /usr/share/doc/dm/README.md"));

    private static final Map<String, List<String>> JSVC_EXTRA = sections(
            "ENVIRONMENT", List.of(
                    "DM_USER: account that runs the supervisor and the workers (default: dm); it must exist.",
                    "DM_PIDFILE: jsvc's pid file (default: /run/dm/dm-jsvc.pid); its directory is made for DM_USER.",
                    "DM_LOGFILE: stdout and stderr of start (default: /var/log/dm/dm.log); kill -USR1 $(cat DM_PIDFILE)"
                            + " reopens it, for logrotate.",
                    "JSVC: the jsvc program (default: /usr/bin/jsvc; Debian: apt-get install jsvc).",
                    "JAVA_HOME: the JDK (default: the one of java on PATH); jsvc loads its lib/server/libjvm.so.",
                    "DM_JSVC_OPTS: more jsvc or JVM options, for instance -Xmx256m."),
            "FILES", List.of(
                    ETC_CONFIG + ": the configuration; the directory of scoreboard.file must be writable by DM_USER."),
            "SEE ALSO", List.of("jsvc(1), dm-daemon(8), dm-ctl(8); /usr/share/doc/dm/README.md"));

    private static Map<String, List<String>> sections(Object... headingsAndParagraphs) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        for (int i = 0; i < headingsAndParagraphs.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> paragraphs = (List<String>) headingsAndParagraphs[i + 1];
            sections.put((String) headingsAndParagraphs[i], paragraphs);
        }
        return sections;
    }

    String page(CommandSpec spec, String summary, Map<String, List<String>> extra) {
        String name = spec.name();
        StringBuilder man = new StringBuilder();
        man.append(".\\\" Made by dm.ctl.ManPages from the command's picocli spec; do not edit.\n");
        man.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 8 \"").append(date).append("\" \"dm ")
                .append(text(version)).append("\" \"dm manual\"\n");
        man.append(".ad l\n.nh\n");
        man.append(".SH NAME\n").append(text(name)).append(" \\- ").append(text(summary)).append('\n');
        man.append(".SH SYNOPSIS\n");
        synopsis(man, spec);
        man.append(".SH DESCRIPTION\n");
        paragraphs(man, spec.usageMessage().description());
        options(man, spec);
        if (!spec.subcommands().isEmpty()) {
            man.append(".SH COMMANDS\n");
            for (CommandLine sub : spec.subcommands().values()) {
                CommandSpec subSpec = sub.getCommandSpec();
                man.append(".SS ").append(text(subSpec.name())).append('\n');
                synopsis(man, subSpec);
                paragraphs(man, subSpec.usageMessage().description());
                for (OptionSpec option : subSpec.options()) {
                    if (!option.hidden() && !option.usageHelp() && !option.versionHelp()) {
                        option(man, option);
                    }
                }
            }
        }
        Map<String, String> exits = spec.usageMessage().exitCodeList();
        if (!exits.isEmpty()) {
            man.append(".SH \"EXIT STATUS\"\n");
            exits.forEach((code, meaning) -> man.append(".TP\n.B ").append(text(code.strip())).append('\n')
                    .append(text(meaning)).append('\n'));
        }
        extra.forEach((heading, paragraphs) -> {
            man.append(".SH ").append(heading.contains(" ") ? "\"" + heading + "\"" : heading).append('\n');
            for (String paragraph : paragraphs) {
                int colon = paragraph.indexOf(": ");
                boolean item = colon > 0 && !paragraph.substring(0, colon).contains(" ") && !heading.equals("SEE ALSO");
                if (item) {
                    man.append(".TP\n.B ").append(text(paragraph.substring(0, colon))).append('\n')
                            .append(text(paragraph.substring(colon + 2))).append('\n');
                } else {
                    man.append(".PP\n").append(text(paragraph)).append('\n');
                }
            }
        });
        return man.toString();
    }

    private static void synopsis(StringBuilder man, CommandSpec spec) {
        String line = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .synopsis(0).strip();
        man.append(".PP\n").append(text(line.replaceAll("\\s+", " "))).append('\n');
    }

    private static void paragraphs(StringBuilder man, String[] lines) {
        boolean listing = false;
        for (String raw : lines) {
            for (String line : raw.split("%n", -1)) {
                String plain = line.replace("%%", "%");
                if (plain.startsWith("  ")) {
                    // An indented example line of --help: keep it as a line of its own.
                    if (!listing) {
                        man.append(".PP\n.nf\n");
                        listing = true;
                    }
                    man.append(text(plain.strip())).append('\n');
                } else if (!plain.isBlank()) {
                    if (listing) {
                        man.append(".fi\n");
                        listing = false;
                    }
                    man.append(".PP\n").append(text(plain)).append('\n');
                }
            }
        }
        if (listing) {
            man.append(".fi\n");
        }
    }

    private static void options(StringBuilder man, CommandSpec spec) {
        List<OptionSpec> shown = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                shown.add(option);
            }
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        if (shown.isEmpty() && positionals.isEmpty()) {
            return;
        }
        man.append(".SH OPTIONS\n");
        for (PositionalParamSpec positional : positionals) {
            man.append(".TP\n\\fI").append(text(positional.paramLabel())).append("\\fR\n");
            for (String line : positional.description()) {
                man.append(text(line)).append("\n.br\n");
            }
        }
        for (OptionSpec option : shown) {
            option(man, option);
        }
    }

    private static void option(StringBuilder man, OptionSpec option) {
        man.append(".TP\n");
        List<String> names = new ArrayList<>();
        for (String optionName : option.names()) {
            String rendered = "\\fB" + text(optionName) + "\\fR";
            if (!option.typeInfo().isBoolean() && option.arity().max() > 0) {
                String label = option.paramLabel();
                rendered += option.arity().min() == 0 ? "[=\\fI" + text(label) + "\\fR]" : "=\\fI" + text(label) + "\\fR";
            }
            names.add(rendered);
        }
        man.append(String.join(", ", names)).append('\n');
        List<String> description = new ArrayList<>();
        for (String line : option.description()) {
            description.add(line.replace("${DEFAULT-VALUE}", String.valueOf(option.defaultValueString()))
                    .replace("${FALLBACK-VALUE}", String.valueOf(option.fallbackValue())));
        }
        man.append(text(String.join(" ", description).replace("%n", " "))).append('\n');
    }

    /** Troff text: escapes, a guard for a leading dot, non-ASCII as \[uXXXX], the packaged paths. */
    static String text(String plain) {
        String s = plain.replace(PACKAGED_DEFAULT, ETC_CONFIG);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
            int c = s.codePointAt(i);
            if (c == '\\') {
                out.append("\\e");
            } else if (c == '-') {
                out.append("\\-");
            } else if (c > 126) {
                out.append(String.format("\\[u%04X]", c));
            } else {
                out.appendCodePoint(c);
            }
        }
        String result = out.toString();
        return result.startsWith(".") || result.startsWith("'") ? "\\&" + result : result;
    }

    private static void writeCompletion(CommandLine command, Path file) throws IOException {
        String script = AutoComplete.bash(command.getCommandName(), command);
        // A completion file is sourced, not run: no #! line (lintian: bash-completion-with-hashbang).
        if (script.startsWith("#!")) {
            script = script.substring(script.indexOf('\n') + 1);
        }
        Files.writeString(file, script);
    }

    /** gzip -9n: maximal compression (XFL 2), no name, no timestamp (MTIME 0), OS Unix. */
    static void gzip(String text, Path file) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, data.length);
        Files.write(file, out.toByteArray());
    }

    private static void writeIntLe(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write((value >>> (8 * i)) & 0xff);
        }
    }
}
