package dm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dm.handler.ConnectionHandler;
import dm.handler.EchoHandler;

/**
 * What a handler's class loader lets through: the JDK, the handler API and slf4j, shared with dm;
 * nothing else of dm's class path, so a jar may bring its own copy of a class dm also has.
 */
class HandlerClassLoaderTest {
    /** Classes of dm's class path that a handler must not see. */
    static final List<String> DM_ONLY = List.of("dm.config.ServerConfig", "dm.worker.Worker", "dm.scoreboard.Scoreboard",
            "net.openhft.chronicle.map.ChronicleMap", "com.sun.jna.Native", "ch.qos.logback.classic.Logger",
            "picocli.CommandLine$Help", "dm.handler.EchoHandler");

    @TempDir
    Path dir;

    @Test
    void aJarBringsItsOwnVersionOfALibraryDmAlsoUses() throws Exception {
        Path jar = compile(Map.of(
                "picocli.CommandLine", "package picocli; public final class CommandLine {"
                        + " public static final String VERSION = String.valueOf(\"0.0-handler\"); }",
                "org.slf4j.MDC", "package org.slf4j; public final class MDC { public static boolean handlerCopy = true; }"));
        try (HandlerClassLoader loader = new HandlerClassLoader(List.of(jar.toUri().toURL()))) {
            Class<?> own = loader.loadClass("picocli.CommandLine");
            assertSame(loader, own.getClassLoader());
            assertEquals("0.0-handler", own.getField("VERSION").get(null));
            assertNotEquals(picocli.CommandLine.VERSION, own.getField("VERSION").get(null), "dm's picocli");
            // slf4j is shared: the handler logs through dm's, whatever copy its jar carries.
            assertSame(org.slf4j.MDC.class, loader.loadClass("org.slf4j.MDC"));
        }
    }

    @Test
    void theApiSlf4jAndTheJdkAreSharedAndNothingElseOfDm() throws Exception {
        try (HandlerClassLoader loader = new HandlerClassLoader(List.of())) {
            assertSame(ConnectionHandler.class, loader.loadClass("dm.handler.ConnectionHandler"));
            assertSame(dm.handler.HandlerSettings.class, loader.loadClass("dm.handler.HandlerSettings"));
            assertSame(LoggerFactory.class, loader.loadClass("org.slf4j.LoggerFactory"));
            assertSame(java.sql.Connection.class, loader.loadClass("java.sql.Connection"));
            for (String name : DM_ONLY) {
                Class.forName(name, false, getClass().getClassLoader()); // there, for dm
                assertThrows(ClassNotFoundException.class, () -> loader.loadClass(name), name);
            }
            // Nor dm's resources: a ServiceLoader in the handler does not find dm's logback.
            assertNotNull(getClass().getClassLoader().getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"));
            assertNull(loader.getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"));
        }
    }

    @Test
    void builtInHandlersComeFromDmWhateverTheJarsHold() throws Exception {
        try (HandlerClassLoader loader = new HandlerClassLoader(List.of())) {
            assertSame(EchoHandler.class, loader.handlerClass("dm.handler.EchoHandler", false));
            assertThrows(ClassNotFoundException.class, () -> loader.handlerClass("dm.handler.NoSuchHandler", false));
        }
    }

    private Path compile(Map<String, String> sources) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", classes.toString()));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            args.add(file.toString());
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, errors, errors, args.toArray(new String[0])),
                () -> errors.toString());
        Path jar = dir.resolve("handler.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path classFile : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString()));
                Files.copy(classFile, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
