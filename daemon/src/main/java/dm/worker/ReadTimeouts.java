package dm.worker;

import dm.config.ServerConfig;
import dm.config.Settings;

/**
 * How long a connection may be silent: until its first byte (worker.first-byte-timeout-ms, the
 * shorter of it and worker.read-timeout-ms), and between bytes after that (worker.read-timeout-ms).
 * 0 is no limit, as for the socket's SO_TIMEOUT.
 *
 * @param firstByteMillis  the wait for the first byte
 * @param firstByteKey     the setting that wait comes from, for the log line that closes a connection
 * @param afterFirstByteMillis the wait between bytes once the first one came
 */
record ReadTimeouts(int firstByteMillis, String firstByteKey, int afterFirstByteMillis) {

    static ReadTimeouts of(ServerConfig config) {
        return of(config.firstByteTimeoutMillis(), config.readTimeoutMillis());
    }

    static ReadTimeouts of(int firstByteSetting, int readSetting) {
        String readKey = Settings.WORKER_READ_TIMEOUT_MS.key();
        if (firstByteSetting == 0 || (readSetting != 0 && readSetting < firstByteSetting)) {
            return new ReadTimeouts(readSetting, readKey, readSetting);
        }
        return new ReadTimeouts(firstByteSetting, Settings.WORKER_FIRST_BYTE_TIMEOUT_MS.key(), readSetting);
    }
}
