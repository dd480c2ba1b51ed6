package dm.scoreboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

import dm.NoFollow;

/**
 * The exclusive lock that says "a live supervisor owns this scoreboard": {@code <scoreboard>.lock},
 * holding the owner's pid. The kernel drops the lock when the owner dies, however it dies, so a
 * stale scoreboard left by a crashed daemon is recognised and replaced.
 *
 * <p>A separate file, because Chronicle Map takes shared locks on the map file itself for every
 * process that has it open, workers included.
 */
public final class OwnerLock implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private OwnerLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    public static Path pathFor(Path scoreboard) {
        return scoreboard.resolveSibling(scoreboard.getFileName() + ".lock");
    }

    /** Supervisor: takes ownership of {@code scoreboard}, or explains who has it. */
    public static OwnerLock acquire(Path scoreboard, long pid) throws ScoreboardException {
        Path path = pathFor(scoreboard);
        FileChannel channel = null;
        try {
            Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            // rw-r-----, whatever the umask: dm-ctl status, run by a member of the group, reads the owner here.
            // Before the lock, not after: setting the mode opens and closes the file once more, and
            // closing any descriptor of a file drops this process's fcntl locks on it.
            try {
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setPermissions(PosixFilePermissions.fromString("rw-r-----"));
            } catch (IOException notOurs) {
                // Another account's lock file (only its owner may change the mode): the lock below decides.
            }
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String owner = readPid(channel).stream().mapToObj(p -> " (pid " + p + ")").findFirst().orElse("");
                channel.close();
                throw new ScoreboardException(ScoreboardException.Reason.ALREADY_RUNNING,
                        "another dm daemon" + owner + " already owns scoreboard " + scoreboard);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new OwnerLock(path, channel, lock);
        } catch (AccessDeniedException e) {
            closeQuietly(channel);
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED,
                    "permission denied: " + e.getFile());
        } catch (IOException e) {
            closeQuietly(channel);
            if (NoFollow.refusedLink(e, path)) {
                throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED,
                        NoFollow.refusal("scoreboard lock", path));
            }
            throw new ScoreboardException(ScoreboardException.Reason.IO, "cannot lock " + path + ": " + e.getMessage());
        }
    }

    /** Anyone: the pid of the live owner of {@code scoreboard}, or empty when none holds the lock. */
    public static OptionalLong liveOwner(Path scoreboard) throws ScoreboardException {
        Path path = pathFor(scoreboard);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
            if (probe != null) {
                probe.release();
                return OptionalLong.empty();
            }
            OptionalLong pid = readPid(channel);
            return pid.isPresent() ? pid : OptionalLong.of(0);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (AccessDeniedException e) {
            throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED, "permission denied: " + path);
        } catch (IOException e) {
            if (NoFollow.refusedLink(e, path)) {
                throw new ScoreboardException(ScoreboardException.Reason.PERMISSION_DENIED,
                        NoFollow.refusal("scoreboard lock", path));
            }
            throw new ScoreboardException(ScoreboardException.Reason.IO, "cannot read " + path + ": " + e.getMessage());
        }
    }

    private static OptionalLong readPid(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Releases ownership and removes the lock file. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to add
            }
        }
    }
}
