package dm.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dm.NoFollow;

/**
 * The native libraries of JNA and jffi (Chronicle's jnr-ffi), unpacked once by the supervisor into
 * a directory beside the scoreboard, {@code <scoreboard>.native-HASH}, and given to every worker
 * with {@code -Djna.boot.library.path} and {@code -Djffi.boot.library.path}. Without this each
 * worker JVM copied them out of their jars afresh, into ~/.cache/JNA/temp and /tmp, at every start
 * (and a killed worker left its copies behind).
 *
 * <p>HASH is that of the libraries' bytes, so new jars bring a new directory; the daemon removes it
 * when it stops, as it does the scoreboard. Both libraries fall
 * back to unpacking for themselves when they cannot load from the path given (so a directory on a
 * noexec file system, where no library can be mapped, is not given at all: workers unpack as
 * before, and the log says why once).
 */
final class NativeLibraries {
    private static final Logger log = LoggerFactory.getLogger("supervisor");

    /** A library inside a jar of the supervisor's class path, and what it is called on disk. */
    private record Library(String resource, String fileName, String property) {
    }

    private NativeLibraries() {
    }

    /** The JVM options that point workers at the unpacked libraries; none when they cannot be unpacked here. */
    static List<String> unpackBeside(Path scoreboard) {
        List<Library> libraries = present(List.of(
                new Library("com/sun/jna/" + jnaPlatform() + "/libjnidispatch.so", "libjnidispatch.so",
                        "jna.boot.library.path"),
                // jffi 1.3 still names its stub library jffi-1.2 (StubLoader's stubLibraryName).
                new Library("jni/" + jffiPlatform() + "/libjffi-1.2.so", "libjffi-1.2.so", "jffi.boot.library.path")));
        if (libraries.isEmpty()) {
            return List.of();
        }
        try {
            List<byte[]> contents = new ArrayList<>();
            for (Library library : libraries) {
                try (InputStream in = ClassLoader.getSystemResourceAsStream(library.resource())) {
                    contents.add(in.readAllBytes());
                }
            }
            Path directory = scoreboard.toAbsolutePath()
                    .resolveSibling(scoreboard.getFileName() + ".native-" + hash(contents));
            if (Files.isSymbolicLink(directory)) {
                log.warn("{}; workers unpack their native libraries themselves", NoFollow.refusal("native library "
                        + "directory", directory));
                return List.of();
            }
            String noexec = noexecMount(directory.getParent());
            if (noexec != null) {
                log.info("workers unpack their native libraries themselves: {} is on a noexec file system ({})",
                        directory.getParent(), noexec);
                return List.of();
            }
            removeOthers(scoreboard, directory);
            if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rwx------")));
            }
            List<String> options = new ArrayList<>();
            for (int i = 0; i < libraries.size(); i++) {
                Library library = libraries.get(i);
                write(directory.resolve(library.fileName()), contents.get(i));
                options.add("-D" + library.property() + "=" + directory);
            }
            // JNA still lists its temporary directory (~/.cache/JNA/temp) at start, to clean it: ours instead.
            options.add("-Djna.tmpdir=" + directory);
            return options;
        } catch (IOException | RuntimeException e) {
            log.warn("native libraries not unpacked beside the scoreboard ({}); workers unpack them themselves",
                    e.toString());
            return List.of();
        }
    }

    /**
     * JNA's search path for the system's libraries, as JNA worked it out in the supervisor: for it,
     * JNA runs {@code /sbin/ldconfig -p}, which every worker did again at every start. None when
     * JNA is not there (the workers then do without it too).
     */
    static List<String> searchPath() {
        try {
            Class.forName("com.sun.jna.NativeLibrary", true, NativeLibraries.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return List.of();
        }
        String path = System.getProperty("jna.platform.library.path");
        return path == null ? List.of() : List.of("-Djna.platform.library.path=" + path);
    }

    private static List<Library> present(List<Library> libraries) {
        return libraries.stream().filter(l -> ClassLoader.getSystemResource(l.resource()) != null).toList();
    }

    /** Writes {@code bytes} to {@code file} unless it holds them already; never through a link. */
    private static void write(Path file, byte[] bytes) throws IOException {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == bytes.length
                && Arrays.equals(Files.readAllBytes(file), bytes)) {
            return;
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try {
            Files.write(partial, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + partial, e);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The options of the mount holding {@code directory} when they say noexec, else null (from /proc/self/mountinfo). */
    static String noexecMount(Path directory) {
        String best = null;
        String bestOptions = "";
        String path = directory.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length < 6) {
                    continue;
                }
                String mountPoint = fields[4].replace("\\040", " ");
                boolean holds = path.equals(mountPoint) || mountPoint.equals("/")
                        || path.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
                if (holds && (best == null || mountPoint.length() >= best.length())) {
                    best = mountPoint;
                    bestOptions = fields[5];
                }
            }
        } catch (IOException e) {
            return null; // not Linux: try, and let the libraries fall back
        }
        return Arrays.asList(bestOptions.split(",")).contains("noexec") ? best + " " + bestOptions : null;
    }

    /** On the way out (the workers are gone): every copy beside {@code scoreboard}. */
    static void removeAll(Path scoreboard) {
        removeOthers(scoreboard, null);
    }

    private static void removeOthers(Path scoreboard, Path keep) {
        String prefix = scoreboard.getFileName() + ".native-";
        try (Stream<Path> siblings = Files.list(scoreboard.toAbsolutePath().getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith(prefix) && !p.equals(keep)
                    && !Files.isSymbolicLink(p) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(NativeLibraries::removeDirectory);
        } catch (IOException ignored) {
            // a stale copy costs disk space only
        }
    }

    private static void removeDirectory(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // as above
        }
    }

    private static String hash(List<byte[]> contents) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            contents.forEach(digest::update);
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JNA's resource prefix (com.sun.jna.Platform.RESOURCE_PREFIX) for the Linux machines dm runs on. */
    private static String jnaPlatform() {
        return "linux-" + arch().replace('_', '-');
    }

    /** jffi's platform directory (StubLoader.getPlatformName): CPU, then os.name. */
    private static String jffiPlatform() {
        return arch() + "-" + System.getProperty("os.name").split(" ")[0];
    }

    private static String arch() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") ? "x86_64" : arch;
    }
}
