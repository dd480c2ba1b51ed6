package dm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dm.it.kit.DaemonUnderTest;
import dm.it.kit.Daemons;
import dm.it.kit.DmExtension;
import dm.it.kit.HandlerJars;
import dm.it.kit.LineClient;

/**
 * A handler's jar loads in a class loader of its own: the handler sees its own copy of a library
 * dm also uses (here a picocli.CommandLine of its own, where dm runs on picocli 4.7.7), sees the
 * handler API, slf4j and the JDK shared with dm, and sees nothing else of dm (Chronicle, JNA,
 * logback, asm, dm's own classes); its slf4j lines reach the log like dm's own.
 */
@ExtendWith(DmExtension.class)
class HandlerIsolationIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String PROBE = "isolation.ProbeHandler";

    /** Same name as picocli's main class: a jar bundling another version of a library of dm's. */
    static final String OWN_PICOCLI = """
            package picocli;

            public final class CommandLine {
                public static final String VERSION = String.valueOf("0.0-handler");
            }
            """;

    static final String PROBE_SOURCE = """
            package isolation;

            import java.io.BufferedReader;
            import java.io.InputStreamReader;
            import java.io.OutputStream;
            import java.nio.charset.StandardCharsets;

            import dm.handler.Connection;
            import dm.handler.ConnectionHandler;
            import dm.handler.WorkerContext;

            public final class ProbeHandler implements ConnectionHandler {
                @Override
                public void start(WorkerContext worker) {
                    worker.log().info("probe: loaded by {}", getClass().getClassLoader().getName());
                }

                @Override
                public void handle(Connection connection) throws Exception {
                    BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
                    OutputStream out = connection.output();
                    String line;
                    while ((line = in.readLine()) != null) {
                        out.write((answer(line) + "\\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }

                private String answer(String question) throws Exception {
                    if (question.equals("picocli")) {
                        Class<?> type = Class.forName("picocli.CommandLine");
                        return type.getField("VERSION").get(null) + " from " + type.getClassLoader().getName();
                    }
                    if (question.startsWith("see ")) {
                        try {
                            Class.forName(question.substring(4));
                            return "visible";
                        } catch (ClassNotFoundException e) {
                            return "invisible";
                        }
                    }
                    return "handler=" + getClass().getClassLoader().getName()
                            + " api=" + ConnectionHandler.class.getClassLoader().getName()
                            + " slf4j=" + org.slf4j.Logger.class.getClassLoader().getName()
                            + " context=" + Thread.currentThread().getContextClassLoader().getName();
                }
            }
            """;

    /** On dm's class path, for dm; not for a handler. */
    static final List<String> DM_ONLY = List.of("dm.config.ServerConfig", "dm.scoreboard.Scoreboard", "dm.worker.Worker",
            "dm.handler.EchoHandler", "net.openhft.chronicle.map.ChronicleMap", "com.sun.jna.Native",
            "ch.qos.logback.classic.Logger", "org.objectweb.asm.ClassVisitor", "picocli.CommandLine$Help");
    static final List<String> SHARED = List.of("dm.handler.ConnectionHandler", "dm.handler.HandlerSettings",
            "org.slf4j.LoggerFactory", "java.sql.Connection");

    @TempDir
    Path dir;

    @Test
    void aHandlerJarBringsItsOwnVersionOfALibraryDmUsesAndSeesNothingElseOfDm(Daemons daemons) throws Exception {
        Path jar = HandlerJars.compile(dir, dir.resolve("handlers/probe.jar"),
                Map.of(PROBE, PROBE_SOURCE, "picocli.CommandLine", OWN_PICOCLI));
        DaemonUnderTest daemon = daemons.start(dir, Map.of("pool.min", "1", "pool.max", "1",
                "pool.min-spare", "0", "worker.handler", PROBE, "worker.classpath", jar.toString()));
        long pid = daemon.awaitIdleWorkers(1, TIMEOUT).workerPids().iterator().next();
        try (LineClient client = new LineClient(daemon.port())) {
            assertEquals("0.0-handler from handlers", client.ask("picocli"), "the handler's own picocli, not dm's 4.7.7");
            for (String name : DM_ONLY) {
                assertEquals("invisible", client.ask("see " + name), name);
            }
            for (String name : SHARED) {
                assertEquals("visible", client.ask("see " + name), name);
            }
            assertEquals("handler=handlers api=app slf4j=app context=handlers", client.ask("loaders"));
        }
        daemon.waitForLog("dm\\[" + pid + "\\] slot 0: probe: loaded by handlers$", TIMEOUT); // through dm's logging
        System.out.println("HandlerIsolationIT: worker " + pid + " ran the handler's own picocli; " + DM_ONLY.size()
                + " classes of dm invisible to it, " + SHARED.size() + " shared");
    }
}
