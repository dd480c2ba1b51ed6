package dm.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitStatusTest {

    @Test
    void plainExitCodes() {
        assertEquals("exited: code 0", ExitStatus.describe(0, null));
        assertEquals("exited: code 1", ExitStatus.describe(1, null));
        assertEquals("exited: code 128", ExitStatus.describe(128, null));
        assertEquals("exited: code 160", ExitStatus.describe(160, null));
        assertEquals("exited: code 255", ExitStatus.describe(255, null));
    }

    @Test
    void exitCodesWithAKnownMeaning() {
        assertEquals("exited: code 3 (out of memory, with -XX:+ExitOnOutOfMemoryError)", ExitStatus.describe(3, null));
        assertEquals("exited: code 5 (served worker.max-requests)", ExitStatus.describe(5, null));
    }

    @Test
    void namedSignals() {
        assertEquals("killed by signal SIGTERM", ExitStatus.describe(143, null));
        assertEquals("killed by signal SIGSEGV", ExitStatus.describe(139, null));
        assertEquals("killed by signal SIGHUP", ExitStatus.describe(129, null));
        assertEquals("killed by signal SIGABRT", ExitStatus.describe(134, null));
    }

    @Test
    void aSigkillWeDidNotSendIsProbablyTheOomKiller() {
        assertEquals("killed by signal SIGKILL (not sent by dm: possibly out of memory)", ExitStatus.describe(137, null));
    }

    @Test
    void ourOwnKillsSayWhy() {
        assertEquals("killed after request timeout: ...", ExitStatus.describe(137, "killed after request timeout: ..."));
    }

    @Test
    void unnamedSignalsByNumber() {
        assertEquals("killed by signal 16", ExitStatus.describe(144, null));
        assertEquals("killed by signal 31", ExitStatus.describe(159, null));
    }
}
