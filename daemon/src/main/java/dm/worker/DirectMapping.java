package dm.worker;

import com.sun.jna.Native;

/** Binds a class's static native methods to the C library by JNA's direct mapping. */
final class DirectMapping {
    private DirectMapping() {
    }

    /** False without JNA or without one of the functions: the caller then does without them. */
    static boolean bindToLibc(Class<?> calls) {
        try {
            Native.register(calls, "c");
            return true;
        } catch (LinkageError e) {
            return false;
        }
    }
}
