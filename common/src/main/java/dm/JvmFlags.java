package dm;

import java.util.ArrayList;
import java.util.List;

/**
 * JVM options every dm process needs to use Chronicle Map, and nothing else. bin/dm-daemon and
 * bin/dm-ctl pass the same list (a test checks that they agree); the supervisor adds it to every
 * worker's command line.
 */
public final class JvmFlags {
    private static final List<String> ALWAYS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            // Chronicle's usage analytics phone home; the artifact is excluded, this is the belt to those braces.
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true");

    /** Needed from JDK 24 on to keep Chronicle (Unsafe) and JNA from printing warnings. */
    private static final List<String> SINCE_24 = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    private JvmFlags() {
    }

    public static List<String> forFeatureRelease(int feature) {
        List<String> flags = new ArrayList<>(ALWAYS);
        if (feature >= 24) {
            flags.addAll(SINCE_24);
        }
        return flags;
    }
}
