package dm.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.NoFollow;

/**
 * The AppCDS archive that makes worker JVMs start faster (about 0.45 s instead of 0.8 s of CPU
 * here: the Chronicle Map classes come mapped instead of parsed and verified).
 *
 * <p>A JVM can only use an archive made with the same JDK, class path (jar paths, sizes and
 * modification times) and options, so the archive's name carries a hash of all of them and a
 * stale one is simply never used. When none exists, one worker is started as the "trainer" with
 * {@code -XX:ArchiveClassesAtExit}: once it accepts, the supervisor restarts it, the JVM writes
 * the archive as it exits, and every worker started after that uses it. Only the supervisor's main
 * loop calls this class.
 */
final class ClassArchive {
    private static final Logger log = LoggerFactory.getLogger("supervisor");
    /** Without these a JVM that cannot use an archive says so on stdout, into the log. */
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private static final int MAX_TRAINING_ATTEMPTS = 2;

    private final boolean enabled;
    private final Path archive;
    private final Path partial;
    private boolean training;
    private int attempts;
    private boolean linkReported;

    private ClassArchive(boolean enabled, Path archive) {
        this.enabled = enabled;
        this.archive = archive;
        this.partial = archive == null ? null : archive.resolveSibling(archive.getFileName() + ".partial");
    }

    static ClassArchive disabled() {
        return new ClassArchive(false, null);
    }

    /** The archive for workers started with {@code command} (java, options, -cp ...), beside {@code scoreboard}. */
    static ClassArchive forCommand(Path scoreboard, List<String> command, List<String> classpath) {
        Path archive = scoreboard.resolveSibling(scoreboard.getFileName() + ".worker-" + fingerprint(command, classpath)
                + ".jsa");
        removeStaleArchives(scoreboard, archive);
        return new ClassArchive(true, archive);
    }

    /** Extra JVM options for the next worker; {@code trainer[0]} is set when that worker is to write the archive. */
    List<String> optionsForNextWorker(boolean[] trainer) {
        trainer[0] = false;
        if (!enabled) {
            return List.of();
        }
        if (Files.isSymbolicLink(archive) || Files.isSymbolicLink(partial)) {
            if (!linkReported) {
                linkReported = true;
                log.warn("{}; workers start without a class archive",
                        NoFollow.refusal("class archive", Files.isSymbolicLink(archive) ? archive : partial));
            }
            return List.of();
        }
        if (Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(archive)) {
            return concat("-XX:SharedArchiveFile=" + archive);
        }
        if (training || attempts >= MAX_TRAINING_ATTEMPTS) {
            return List.of();
        }
        training = true;
        attempts++;
        trainer[0] = true;
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // the JVM overwrites it
        }
        return concat("-XX:ArchiveClassesAtExit=" + partial);
    }

    /** The trainer has exited: keep what it wrote if it left normally. */
    void trainerExited(boolean normally) {
        training = false;
        try {
            // What the trainer wrote, and not a link planted in its place: that would be renamed into use.
            if (normally && Files.isRegularFile(partial, LinkOption.NOFOLLOW_LINKS) && Files.size(partial) > 0) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                log.info("class archive {} written: workers start from it from now on", archive.getFileName());
                return;
            }
        } catch (IOException e) {
            log.warn("class archive not written ({}); workers start without it", e.toString());
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // nothing to keep
        }
    }

    private static List<String> concat(String option) {
        return Stream.concat(Stream.of(option), QUIET.stream()).toList();
    }

    private static String fingerprint(List<String> command, List<String> classpath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, System.getProperty("java.home"));
            update(digest, System.getProperty("java.vm.version"));
            command.forEach(part -> update(digest, part));
            for (String entry : classpath) {
                Path path = Path.of(entry);
                update(digest, entry);
                try {
                    update(digest, Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis());
                } catch (IOException e) {
                    update(digest, "missing");
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static void removeStaleArchives(Path scoreboard, Path current) {
        String prefix = scoreboard.getFileName() + ".worker-";
        try (Stream<Path> siblings = Files.list(scoreboard.getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix) && !p.equals(current))
                    .forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException ignored) {
                            // a stale archive costs disk space only
                        }
                    });
        } catch (IOException ignored) {
            // as above
        }
    }
}
