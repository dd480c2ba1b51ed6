package dm.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;

/**
 * The worker's access log (log.access-file): opened once, for appending (O_APPEND), by every
 * worker; each line is one write(2), so lines from different workers and threads never mix and
 * none goes through the supervisor. A log rotated away (logrotate's create) is written on by the
 * workers until they are replaced: dm-ctl -restart reopens it, or rotate with copytruncate.
 */
final class AccessLog {
    private final Path file;
    private final FileChannel channel;
    private final Logger log;
    private volatile boolean failing;

    private AccessLog(Path file, FileChannel channel, Logger log) {
        this.file = file;
        this.channel = channel;
        this.log = log;
    }

    static AccessLog open(Path file, Logger log) throws BootException {
        try {
            return new AccessLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), log);
        } catch (IOException | SecurityException e) {
            throw new BootException("cannot open the access log " + file + " (log.access-file): " + e.getMessage());
        }
    }

    /** Appends {@code length} bytes of {@code line}. A failing write (disk full) is warned about once, until one works again. */
    void append(byte[] line, int length) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line, 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (failing) {
                failing = false; // a volatile write only when it changes: this runs once per connection
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                log.warn("cannot write the access log {}: {} (lines are lost until it works again)", file, e.getMessage());
            }
        }
    }
}
