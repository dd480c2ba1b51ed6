package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The supervisor's own libraries stay on its class path only, and Chronicle Map's too while the
 * workers do without it, wherever the jars live.
 */
class WorkerClasspathTest {
    static final String SUPERVISOR = String.join(":", "/usr/share/dm/lib/dm-daemon-0.1.0.jar",
            "/usr/share/dm/lib/prometheus-metrics-exporter-httpserver-1.10.0.jar",
            "/home/me/.m2/repository/io/prometheus/prometheus-metrics-model/1.10.0/prometheus-metrics-model-1.10.0.jar",
            "/usr/share/dm/lib/chronicle-map-2026.1.jar", "/usr/share/dm/lib/prometheus-metrics-config-1.10.0.jar",
            "/usr/share/dm/lib/picocli-4.7.7.jar", "/usr/share/dm/lib/jna-5.17.0.jar",
            "/usr/share/dm/lib/jnr-ffi-2.2.15.jar", "/usr/share/dm/lib/commons-daemon-1.5.1.jar",
            "/usr/share/dm/lib/jna-platform-5.17.0.jar", "/usr/share/dm/lib/logback-classic-1.5.18.jar", "target/classes");

    @Test
    void withChronicleMapOnlyTheSupervisorsLibrariesAreLeftOutAndEverythingElseKeptInOrder() {
        assertEquals(List.of("/usr/share/dm/lib/dm-daemon-0.1.0.jar", "/usr/share/dm/lib/chronicle-map-2026.1.jar",
                "/usr/share/dm/lib/jna-5.17.0.jar", "/usr/share/dm/lib/jnr-ffi-2.2.15.jar",
                "/usr/share/dm/lib/jna-platform-5.17.0.jar", "/usr/share/dm/lib/logback-classic-1.5.18.jar",
                "target/classes"), WorkerClasspath.of(SUPERVISOR, true));
    }

    @Test
    void withoutChronicleMapItsJarsAreLeftOutToo() {
        assertEquals(List.of("/usr/share/dm/lib/dm-daemon-0.1.0.jar", "/usr/share/dm/lib/jna-5.17.0.jar",
                "/usr/share/dm/lib/logback-classic-1.5.18.jar", "target/classes"), WorkerClasspath.of(SUPERVISOR, false));
    }

    @Test
    void aDirectoryNamedLikeTheLibraryIsNotAJarOfIt() {
        assertEquals(List.of("/opt/prometheus-metrics-stuff/dm/lib/x.jar"),
                WorkerClasspath.of("/opt/prometheus-metrics-stuff/dm/lib/x.jar", false));
    }
}
