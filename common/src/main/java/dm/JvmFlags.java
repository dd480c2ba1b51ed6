package dm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * JVM options every dm process needs to use Chronicle Map, and nothing else. They are listed once, in
 * bin/jvm.args and bin/jvm-jdk24.args (java @argfiles, which the build copies into this jar);
 * bin/dm-env reads the same files for the supervisor and dm-ctl, and the supervisor adds this list to
 * every worker's command line.
 */
public final class JvmFlags {
    private static final List<String> ALWAYS = read("jvm.args");
    /** Refused by older JDKs; from JDK 24 on they keep Chronicle (Unsafe) and JNA from printing warnings. */
    private static final List<String> SINCE_24 = read("jvm-jdk24.args");

    private JvmFlags() {
    }

    public static List<String> forFeatureRelease(int feature) {
        List<String> flags = new ArrayList<>(ALWAYS);
        if (feature >= 24) {
            flags.addAll(SINCE_24);
        }
        return flags;
    }

    /** The arguments of a java @argfile without quotes: words separated by white space, {@code #} to the end of a line a comment. */
    static List<String> parseArgFile(String text) {
        List<String> flags = new ArrayList<>();
        for (String line : text.split("\n")) {
            int comment = line.indexOf('#');
            String flagsOfLine = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (!flagsOfLine.isEmpty()) {
                flags.addAll(Arrays.asList(flagsOfLine.split("\\s+")));
            }
        }
        return List.copyOf(flags);
    }

    private static List<String> read(String name) {
        try (InputStream in = JvmFlags.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dm-common was built without dm/" + name + " (bin/" + name + ")");
            }
            return parseArgFile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
