package dm.it.handlers;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dm.handler.Connection;
import dm.handler.ConnectionHandler;

/**
 * Reads one line. {@code runtime}, {@code checked}, {@code error}: throws an unchecked exception,
 * a checked one, an Error. Anything else: replies {@code ok PID} and returns.
 */
public final class ThrowingHandler implements ConnectionHandler {

    @Override
    public void handle(Connection connection) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.input(), StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
            return;
        }
        switch (line) {
            case "runtime":
                throw new IllegalStateException("handler bug on purpose");
            case "checked":
                throw new Exception("checked failure on purpose");
            case "error":
                throw new AssertionError("assertion failed on purpose");
            default:
                OutputStream out = connection.output();
                out.write(("ok " + connection.worker().pid() + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
        }
    }
}
