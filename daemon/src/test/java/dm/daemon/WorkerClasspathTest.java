package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The Prometheus library stays on the supervisor's class path only, wherever the jars live. */
class WorkerClasspathTest {

    @Test
    void thePrometheusJarsAreLeftOutAndEverythingElseKeptInOrder() {
        String supervisor = String.join(":", "/usr/share/dm/lib/dm-daemon-0.1.0.jar",
                "/usr/share/dm/lib/prometheus-metrics-exporter-httpserver-1.10.0.jar",
                "/home/me/.m2/repository/io/prometheus/prometheus-metrics-model/1.10.0/prometheus-metrics-model-1.10.0.jar",
                "/usr/share/dm/lib/chronicle-map-2026.1.jar", "/usr/share/dm/lib/prometheus-metrics-config-1.10.0.jar",
                "target/classes");
        assertEquals(List.of("/usr/share/dm/lib/dm-daemon-0.1.0.jar", "/usr/share/dm/lib/chronicle-map-2026.1.jar",
                "target/classes"), WorkerClasspath.of(supervisor));
    }

    @Test
    void aDirectoryNamedLikeTheLibraryIsNotAJarOfIt() {
        assertEquals(List.of("/opt/prometheus-metrics-stuff/dm/lib/x.jar"),
                WorkerClasspath.of("/opt/prometheus-metrics-stuff/dm/lib/x.jar"));
    }
}
