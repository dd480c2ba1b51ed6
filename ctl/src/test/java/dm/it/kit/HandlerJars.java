package dm.it.kit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dm.handler.ConnectionHandler;
import dm.it.handlers.LifecycleHandler;

/** Handler jars for worker.classpath: the test handlers (dm.it.handlers), or sources compiled now. */
public final class HandlerJars {
    private HandlerJars() {
    }

    /** A jar of every class in dm.it.handlers, as built by Maven into the test classes. */
    public static Path testHandlers(Path jar) {
        Path classes = locationOf(LifecycleHandler.class);
        Path packageDir = classes.resolve("dm/it/handlers");
        try (Stream<Path> files = Files.walk(packageDir)) {
            List<Path> classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
            if (classFiles.isEmpty()) {
                throw new AssertionError("no test handler classes in " + packageDir);
            }
            writeJar(jar, classes, classFiles);
            return jar;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Compiles {@code sources} (class name to source text) against dm-handler-api and slf4j-api with the
     * JDK's compiler, and writes the classes into {@code jar}, through a temporary name and an atomic
     * rename: a reader never sees half a jar.
     */
    public static Path compile(Path workDir, Path jar, Map<String, String> sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new AssertionError("no Java compiler in " + System.getProperty("java.home") + " (a JRE, not a JDK?)");
        }
        try {
            Path build = Files.createTempDirectory(workDir, "javac-");
            Path src = build.resolve("src");
            Path out = build.resolve("classes");
            Files.createDirectories(out);
            List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", out.toString(),
                    "-cp", locationOf(ConnectionHandler.class) + ":" + locationOf(org.slf4j.Logger.class)));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                args.add(file.toString());
            }
            java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
            int rc = compiler.run(null, errors, errors, args.toArray(new String[0]));
            if (rc != 0) {
                throw new AssertionError("javac failed (" + rc + ") on " + sources.keySet() + ":\n" + errors);
            }
            List<Path> classFiles;
            try (Stream<Path> files = Files.walk(out)) {
                classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
            }
            Path temporary = jar.resolveSibling("." + jar.getFileName() + ".tmp");
            writeJar(temporary, out, classFiles);
            Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return jar;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void writeJar(Path jar, Path root, List<Path> classFiles) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Path classFile : classFiles) {
                out.putNextEntry(new JarEntry(root.relativize(classFile).toString().replace('\\', '/')));
                Files.copy(classFile, out);
                out.closeEntry();
            }
        }
    }

    /** The directory or jar a class was loaded from. */
    public static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("cannot locate the class files of " + type.getName(), e);
        }
    }
}
