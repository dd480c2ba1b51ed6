package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.Checks;
import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.Exec;
import dm.it.kit.LineClient;
import dm.it.kit.Repo;

/**
 * examples/hello-handler as the README tells a user: build it with Maven against the dm-handler-api
 * in the local repository (so: mvn install first), deploy it by configuration only, with its one
 * setting (handler.greeting), get greetings.
 * It is built from a copy in the test directory, so the checkout is left as it was.
 */
@ExtendWith(DmExtension.class)
class ExampleProjectIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Duration BUILD_TIMEOUT = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    @Test
    void theExampleProjectBuildsAndIsDeployedByConfigurationOnly(Daemons daemons) throws Exception {
        Path project = dir.resolve("hello-handler");
        copyTree(Repo.root().resolve("examples/hello-handler"), project);

        List<String> mvn = new ArrayList<>(List.of("mvn", "-B", "-q"));
        String localRepository = System.getProperty("dm.maven.repo.local", "");
        if (!localRepository.isBlank() && !localRepository.startsWith("${")) {
            mvn.add("-Dmaven.repo.local=" + localRepository);
        }
        mvn.addAll(List.of("-f", project.resolve("pom.xml").toString(), "package"));
        Exec.Result build = Exec.run(dir, BUILD_TIMEOUT, mvn);
        System.out.printf("ExampleProjectIT: %s took %d ms%n", String.join(" ", mvn), build.elapsed().toMillis());
        assertEquals(0, build.exitCode(), () -> "building the example (needs dm-handler-api in the local repository: mvn install): " + build);
        Path jar = project.resolve("target/hello-handler-1.0.jar");
        Checks.assertExists(jar);

        Map<String, String> deploy = Map.of("worker.handler", "example.GreetingHandler", "worker.classpath", jar.toString(),
                "handler.greeting", "hi");
        Map<String, String> properties = DaemonUnderTest.defaults(dir);
        properties.putAll(deploy);
        Path config = DaemonUnderTest.writeConfig(dir, "server.properties", properties);
        Exec.Result check = Exec.daemon(dir, TIMEOUT, "--check", "-c", config.toString());
        assertEquals(0, check.exitCode(), () -> "dm-daemon --check: " + check);
        assertTrue(check.stdout().contains("configuration OK"), () -> "dm-daemon --check: " + check);

        // The example refuses an empty greeting: --check says so, naming the key.
        Map<String, String> empty = new java.util.HashMap<>(properties);
        empty.put("handler.greeting", "");
        Path emptyConfig = DaemonUnderTest.writeConfig(dir, "empty-greeting.properties", empty);
        Exec.Result refused = Exec.daemon(dir, TIMEOUT, "--check", "-c", emptyConfig.toString());
        assertEquals(78, refused.exitCode(), () -> "dm-daemon --check with an empty greeting: " + refused);
        assertEquals("dm-daemon: " + emptyConfig + ": handler.greeting = '': must not be empty (refused by example.GreetingHandler)",
                refused.stderr().strip());

        DaemonUnderTest daemon = daemons.start(dir, config);
        Set<Long> workers = daemon.awaitIdleWorkers(2, TIMEOUT).workerPids();
        Pattern greeting = Pattern.compile("^hi, (.*) \\(#(\\d+) from worker (\\d+)\\)$");
        try (LineClient client = new LineClient(daemon.port())) {
            Matcher first = greeting.matcher(String.valueOf(client.ask("  Ada  ")));
            Matcher second = greeting.matcher(String.valueOf(client.ask("Grace")));
            assertTrue(first.matches() && second.matches(), "greetings: " + first + " " + second);
            assertEquals("Ada", first.group(1));
            assertEquals("Grace", second.group(1));
            long pid = Long.parseLong(first.group(3));
            assertTrue(workers.contains(pid), () -> "greeted by a worker of the pool " + workers + ": " + pid);
            assertEquals(first.group(3), second.group(3), "one connection, one worker");
            assertEquals(Long.parseLong(first.group(2)) + 1, Long.parseLong(second.group(2)), "the count goes on");
            System.out.println("ExampleProjectIT: got '" + first.group() + "', then '" + second.group() + "'");
        }
        for (long pid : workers) {
            daemon.waitForLog("dm\\[" + pid + "\\] slot \\d+: greeting handler ready: hi$", TIMEOUT);
        }
        Exec.Result down = Exec.ctl(dir, daemon.config(), "-wdown");
        assertEquals(0, down.exitCode(), () -> "dm-ctl -wdown: " + down);
        assertEquals(0, daemon.awaitExit(TIMEOUT));
        for (long pid : workers) {
            daemon.waitForLog("dm\\[" + pid + "\\] slot \\d+: greeting handler said hi \\d+ times$", TIMEOUT); // stop hook
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(source);
                if (relative.startsWith("target")) {
                    continue; // a build left in the checkout
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
