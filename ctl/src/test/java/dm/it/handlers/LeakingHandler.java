package dm.it.handlers;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;
import dm.handler.HandlerSettings;

/**
 * An echo handler that leaks on purpose: each connection leaves {@code handler.leak-kib} (default
 * 1024) of heap behind that is never freed, every page of it written, so the worker's PSS grows by
 * about that much per connection until worker.max-pss-mib recycles it.
 */
public final class LeakingHandler implements ConnectionHandler {
    private static final List<byte[]> RETAINED = new ArrayList<>();
    private int leakBytes;

    @Override
    public void configure(HandlerSettings settings) {
        leakBytes = settings.intSetting("handler.leak-kib", 1024, 1, 65_536) * 1024;
    }

    @Override
    public void handle(Connection connection) throws Exception {
        byte[] leaked = new byte[leakBytes];
        for (int i = 0; i < leaked.length; i += 4096) {
            leaked[i] = 1; // every page written: resident and the worker's own, whatever the JVM's zeroing did
        }
        synchronized (RETAINED) {
            RETAINED.add(leaked);
        }
        InputStream in = connection.input();
        OutputStream out = connection.output();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) != -1) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
