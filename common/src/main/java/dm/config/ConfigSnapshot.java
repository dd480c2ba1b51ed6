package dm.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import dm.NoFollow;

/**
 * The configuration the workers run with, written by the supervisor atomically and with mode
 * 0600. Workers read this snapshot, never the operator's file: an edit in progress cannot break a
 * worker that the supervisor starts, and workers always run with what the supervisor validated.
 */
public final class ConfigSnapshot {

    private ConfigSnapshot() {
    }

    /** Supervisor: writes {@code config} to {@code target}, never through a link. */
    public static void write(ServerConfig config, Path target) throws IOException {
        Properties properties = config.snapshotProperties();
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        // CREATE_NEW with NOFOLLOW_LINKS: a link planted under the temporary name is refused, not written through.
        try (Writer writer = new OutputStreamWriter(Channels.newOutputStream(Files.newByteChannel(temporary,
                Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))),
                StandardCharsets.UTF_8)) {
            properties.store(writer, "dm: the configuration the workers run with, written by the supervisor from "
                    + config.file());
        }
        // A rename replaces a link at target itself; it never writes through it.
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Worker: reads the snapshot the supervisor wrote, refusing a symbolic link in its place (the
     * operator's own file, {@link ServerConfig#load}, may well be one: /usr/share/dm/conf links to /etc/dm).
     */
    public static ServerConfig read(Path snapshot) throws ConfigException {
        Path absolute = snapshot.toAbsolutePath().normalize();
        String text;
        try (InputStream in = Files.newInputStream(absolute, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in.readAllBytes())).toString();
        } catch (IOException e) {
            if (NoFollow.refusedLink(e, absolute)) {
                throw new ConfigException(NoFollow.refusal("configuration snapshot", absolute));
            }
            throw new ConfigException(absolute + ": cannot read configuration snapshot: " + e.getMessage());
        }
        List<PropertiesFile.Entry> entries;
        try {
            entries = PropertiesFile.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(absolute + ": cannot read configuration snapshot: " + e.getMessage());
        }
        return ServerConfig.fromProperties(absolute, PropertiesFile.toProperties(entries));
    }
}
