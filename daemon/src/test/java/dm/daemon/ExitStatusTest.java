package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitStatusTest {

    @Test
    void plainExitCodes() {
        assertEquals("exited: code 0", ExitStatus.describe(0));
        assertEquals("exited: code 3", ExitStatus.describe(3));
        assertEquals("exited: code 128", ExitStatus.describe(128));
        assertEquals("exited: code 160", ExitStatus.describe(160));
        assertEquals("exited: code 255", ExitStatus.describe(255));
    }

    @Test
    void namedSignals() {
        assertEquals("killed by signal SIGKILL", ExitStatus.describe(137));
        assertEquals("killed by signal SIGTERM", ExitStatus.describe(143));
        assertEquals("killed by signal SIGSEGV", ExitStatus.describe(139));
        assertEquals("killed by signal SIGHUP", ExitStatus.describe(129));
        assertEquals("killed by signal SIGABRT", ExitStatus.describe(134));
    }

    @Test
    void unnamedSignalsByNumber() {
        assertEquals("killed by signal 16", ExitStatus.describe(144));
        assertEquals("killed by signal 31", ExitStatus.describe(159));
    }
}
