package dm.scoreboard.codegen;

import net.openhft.chronicle.values.ValueModel;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Build-time generator: writes the Java source of Chronicle Values' native ($$Native) and heap ($$Heap)
 * implementations of the given value interfaces, using Chronicle Values' own (package-private)
 * generator net.openhft.chronicle.values.Generators -- the exact code Values.nativeClassFor() would
 * otherwise compile with javac at run time.
 * Usage: ValuesSourceGenerator <outputDir> <fqcn of value interface>...
 */
public final class ValuesSourceGenerator {
    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args[0]);
        Class<?> gens = Class.forName("net.openhft.chronicle.values.Generators");
        Method nativeGen = gens.getDeclaredMethod("generateNativeClass", ValueModel.class, String.class);
        Method heapGen = gens.getDeclaredMethod("generateHeapClass", ValueModel.class, String.class);
        nativeGen.setAccessible(true); // same (unnamed) module on the class path: no --add-opens needed
        heapGen.setAccessible(true);
        for (int i = 1; i < args.length; i++) {
            Class<?> iface = Class.forName(args[i]);
            ValueModel model = ValueModel.acquire(iface); // validates the interface (IllegalArgumentException if rejected)
            String pkg = iface.getPackage().getName();
            String simple = iface.getName().substring(pkg.length() + 1); // as ValueModel.simpleName(): keeps Outer$Inner
            Path dir = out.resolve(pkg.replace('.', '/'));
            Files.createDirectories(dir);
            write(dir.resolve(simple + ValueModel.$$NATIVE + ".java"),
                    (String) nativeGen.invoke(null, model, simple + ValueModel.$$NATIVE));
            write(dir.resolve(simple + ValueModel.$$HEAP + ".java"),
                    (String) heapGen.invoke(null, model, simple + ValueModel.$$HEAP));
        }
    }

    private static void write(Path file, String src) throws Exception {
        // only rewrite when changed, so the second compiler execution stays incremental
        if (Files.exists(file) && Files.readString(file).equals(src)) {
            return;
        }
        Files.write(file, src.getBytes(StandardCharsets.UTF_8));
        System.out.println("[ValuesSourceGenerator] wrote " + file);
    }
}
