package dm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * dm follows no symbolic link for the files it keeps beside the scoreboard (the scoreboard, its
 * lock, the configuration snapshot, the class archive): in a directory another user can write, a
 * planted link would aim a daemon running as root at a file of that user's choosing. Those files
 * are opened with {@code NOFOLLOW_LINKS} ({@code O_NOFOLLOW}) or checked first, and a link is
 * refused with this one line.
 */
public final class NoFollow {

    private NoFollow() {
    }

    /** The line that refuses {@code path}, a link; {@code what} names the file ("scoreboard lock"). */
    public static String refusal(String what, Path path) {
        return what + " " + path + " is a symbolic link: refused (dm follows no links beside the scoreboard)";
    }

    /**
     * After an open with NOFOLLOW_LINKS failed with {@code e}: was it because {@code path} is a link?
     * (The JDK reports ELOOP as a plain IOException, "Too many levels of symbolic links".)
     */
    public static boolean refusedLink(IOException e, Path path) {
        return e != null && Files.isSymbolicLink(path);
    }
}
