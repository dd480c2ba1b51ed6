package dm.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.NoFollow;

/**
 * The class archive that makes worker JVMs start faster: the Chronicle Map classes come mapped,
 * already parsed and verified, instead of read from the jars. On JDK 25 and later it is an AOT
 * cache (JEP 483, 514, 515: classes loaded and linked, method profiles), before that an AppCDS
 * archive (JDK 17's dynamic archive). When none exists, one worker is started as the "trainer"
 * ({@code -XX:AOTCacheOutput}, or {@code -XX:ArchiveClassesAtExit}): once it accepts, the
 * supervisor restarts it, the JVM writes the archive as it exits, and every worker started after
 * that maps it. Only the supervisor's main loop calls this class.
 *
 * <p>A stale or unusable archive is never used silently:
 * <ul>
 * <li>Its name carries a hash of the JDK (its path, version, and the size and modification time of
 *     libjvm.so and lib/modules), the workers' options and every jar of their class path (path, size,
 *     modification time, in order). The hash is taken again before every worker start, so a jar
 *     replaced under a running daemon makes a new archive rather than reuse the old one: the JDK
 *     itself cannot be trusted with that (JDK-8377932: before 25.0.4 an AOT cache is used even with
 *     a changed or different class path; seen here with 25.0.3, which loaded a class from the
 *     cache that no jar of the class path had).</li>
 * <li>Workers map it strictly ({@code -Xshare:on}, {@code -XX:AOTMode=on}): a JVM that cannot use
 *     it exits at once with its reason instead of starting slowly without it. The reaper hands such
 *     an exit back here ({@link #refused}): the archive is removed, the log says so, the worker is
 *     started again without it, and a new one may be trained (at most twice in all).</li>
 * </ul>
 */
final class ClassArchive {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /** The JDK from which workers get an AOT cache rather than an AppCDS archive (one-step training). */
    static final int AOT_CACHE_SINCE = 25;
    private static final int MAX_TRAINING_ATTEMPTS = 2;

    /** What each kind of archive is called and how a JVM writes and uses it. */
    enum Kind {
        APP_CDS(".jsa", "-XX:ArchiveClassesAtExit=", List.of("-Xshare:on", "-XX:SharedArchiveFile="),
                // Without these the trainer prints a line for every class it cannot archive.
                List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off")),
        AOT_CACHE(".aot", "-XX:AOTCacheOutput=", List.of("-XX:AOTMode=on", "-XX:AOTCache="),
                List.of("-Xlog:aot=off", "-Xlog:cds=off"));

        final String suffix;
        final String trainOption;
        /** The last one takes the archive's path. */
        final List<String> useOptions;
        final List<String> trainerQuiet;

        Kind(String suffix, String trainOption, List<String> useOptions, List<String> trainerQuiet) {
            this.suffix = suffix;
            this.trainOption = trainOption;
            this.useOptions = useOptions;
            this.trainerQuiet = trainerQuiet;
        }

        static Kind forFeature(int feature) {
            return feature >= AOT_CACHE_SINCE ? AOT_CACHE : APP_CDS;
        }

        List<String> use(Path archive) {
            List<String> options = new ArrayList<>(useOptions);
            options.set(options.size() - 1, options.get(options.size() - 1) + archive);
            return options;
        }

        List<String> train(Path partial) {
            return Stream.concat(Stream.of(trainOption + partial), trainerQuiet.stream()).toList();
        }
    }

    /** The options for the next worker: {@code trainer} writes the archive, {@code fromArchive} maps it. */
    record Options(List<String> options, boolean trainer, boolean fromArchive) {
        static final Options NONE = new Options(List.of(), false, false);
    }

    private final boolean enabled;
    private final Kind kind;
    private final Path scoreboard;
    private final List<String> command;
    private final List<String> classpath;
    private String fingerprint;
    private Path archive;
    /** Where the running trainer writes; null while none trains. */
    private Path training;
    private int attempts;
    private boolean linkReported;

    private ClassArchive(boolean enabled, Kind kind, Path scoreboard, List<String> command, List<String> classpath) {
        this.enabled = enabled;
        this.kind = kind;
        this.scoreboard = scoreboard;
        this.command = command;
        this.classpath = classpath;
        if (enabled) {
            this.fingerprint = fingerprint(command, classpath);
            this.archive = archiveFor(fingerprint);
        }
    }

    static ClassArchive disabled() {
        return new ClassArchive(false, Kind.APP_CDS, null, List.of(), List.of());
    }

    /**
     * The archive for workers started with {@code command} (java, options ...) and {@code classpath},
     * beside {@code scoreboard}, for the JDK of feature release {@code feature}. Disabled when the
     * options already say how to share classes (-Xshare, an archive or cache of their own).
     */
    static ClassArchive forCommand(Path scoreboard, List<String> command, List<String> classpath, int feature) {
        if (command.stream().anyMatch(ClassArchive::sharingOption)) {
            log.info("worker.jvm-options choose their own class sharing: no class archive of dm's");
            return disabled();
        }
        ClassArchive archive = new ClassArchive(true, Kind.forFeature(feature), scoreboard, command, classpath);
        archive.removeStaleArchives();
        return archive;
    }

    private static boolean sharingOption(String option) {
        return option.startsWith("-Xshare") || option.startsWith("-XX:SharedArchiveFile")
                || option.startsWith("-XX:ArchiveClassesAtExit") || option.startsWith("-XX:AOT");
    }

    Kind kind() {
        return kind;
    }

    /** The archive the next worker would use (null when disabled). */
    Path archive() {
        return archive;
    }

    /** Extra JVM options for the next worker. */
    Options optionsForNextWorker() {
        if (!enabled) {
            return Options.NONE;
        }
        renewIfStale();
        Path partial = partial(archive);
        if (Files.isSymbolicLink(archive) || Files.isSymbolicLink(partial)) {
            if (!linkReported) {
                linkReported = true;
                log.warn("{}; workers start without a class archive",
                        NoFollow.refusal("class archive", Files.isSymbolicLink(archive) ? archive : partial));
            }
            return Options.NONE;
        }
        if (Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(archive)) {
            return new Options(kind.use(archive), false, true);
        }
        if (training != null || attempts >= MAX_TRAINING_ATTEMPTS) {
            return Options.NONE;
        }
        training = partial;
        attempts++;
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // the JVM overwrites it
        }
        return new Options(kind.train(partial), true, false);
    }

    /** The trainer has exited: keep what it wrote if it left normally (and for the class path as it is now). */
    void trainerExited(boolean normally) {
        Path written = training;
        training = null;
        if (written == null) {
            return;
        }
        try {
            // What the trainer wrote, and not a link planted in its place: that would be renamed into use.
            if (normally && written.equals(partial(archive)) && Files.isRegularFile(written, LinkOption.NOFOLLOW_LINKS)
                    && Files.size(written) > 0) {
                Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                log.info("class archive {} written: workers start from it from now on", archive.getFileName());
                return;
            }
        } catch (IOException e) {
            log.warn("class archive not written ({}); workers start without it", e.toString());
        }
        delete(written);
    }

    /**
     * A worker started from the archive exited before it accepted with the code of a JVM that
     * refused to start: the archive cannot be used (its own reason is in the log above). It goes,
     * so that the next worker starts without it (or trains a new one, while attempts are left).
     */
    void refused(long pid, int slot) {
        if (!enabled) {
            return;
        }
        log.warn("worker {} (slot {}): the JVM refused the class archive {} (see its output above); archive removed,"
                + " workers start without it{}", pid, slot, archive.getFileName(),
                attempts < MAX_TRAINING_ATTEMPTS ? " until a new one is written" : "");
        delete(archive);
    }

    /**
     * A jar (or the JDK) changed since the archive was named: from now on the archive for what
     * workers will really load, trained anew. Costs a few dozen stat calls per worker start.
     */
    private void renewIfStale() {
        String now = fingerprint(command, classpath);
        if (now.equals(fingerprint)) {
            return;
        }
        log.info("the workers' jars or JDK changed since the class archive {} was made: a new one is written",
                archive.getFileName());
        fingerprint = now;
        archive = archiveFor(now);
        attempts = 0;
        removeStaleArchives();
    }

    private Path archiveFor(String hash) {
        return scoreboard.resolveSibling(scoreboard.getFileName() + ".worker-" + hash + kind.suffix);
    }

    private static Path partial(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".partial");
    }

    static String fingerprint(List<String> command, List<String> classpath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Path javaHome = Path.of(System.getProperty("java.home"));
            update(digest, javaHome.toString());
            update(digest, System.getProperty("java.vm.version"));
            update(digest, sizeAndTime(javaHome.resolve("lib/server/libjvm.so")));
            update(digest, sizeAndTime(javaHome.resolve("lib/modules")));
            command.forEach(part -> update(digest, part));
            for (String entry : classpath) {
                update(digest, entry);
                update(digest, sizeAndTime(Path.of(entry)));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sizeAndTime(Path path) {
        try {
            return Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            return "missing";
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /** Archives of other fingerprints beside the scoreboard (this one's partial files stay). */
    private void removeStaleArchives() {
        String prefix = scoreboard.getFileName() + ".worker-";
        String current = archive.getFileName().toString();
        try (Stream<Path> siblings = Files.list(scoreboard.toAbsolutePath().getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && !p.getFileName().toString().startsWith(current)).forEach(ClassArchive::delete);
        } catch (IOException ignored) {
            // a stale archive costs disk space only
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale archive costs disk space only; a refused one is refused again, and said so
        }
    }
}
