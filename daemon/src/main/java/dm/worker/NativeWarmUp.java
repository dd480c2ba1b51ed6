package dm.worker;

/**
 * Starts JNA, and binds the worker's own native calls, on a thread of its own as the worker boots.
 * JNA's start (its library, its logging, its checks) took about a third of a worker's boot; this way
 * it runs beside the main thread's work (configuration, scoreboard, handler) on another core, and
 * the main thread, when it first makes a native call, waits only for what is left of it (the JVM
 * lets one thread initialise a class and makes the others wait for it).
 */
final class NativeWarmUp {
    private NativeWarmUp() {
    }

    static void start() {
        Thread thread = new Thread(NativeWarmUp::initialise, "native-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Each of these classes binds its calls in its static initialiser. */
    private static void initialise() {
        ClassLoader loader = NativeWarmUp.class.getClassLoader();
        for (String name : new String[] {"dm.worker.ParentProcess", "dm.worker.Epoll"}) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return; // the main thread meets the same, and does without (each class says how)
            }
        }
    }
}
