package dm.handler;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The smallest request and answer: reads one byte, answers with that byte plus one, and closes:
 * 'A' comes back as 'B'. A connection closed before its byte arrives gets no answer.
 */
public final class PlusOneHandler implements ConnectionHandler {

    @Override
    public void handle(Connection connection) throws Exception {
        InputStream in = connection.input();
        int b = in.read();
        if (b < 0) {
            return;
        }
        OutputStream out = connection.output();
        out.write((b + 1) & 0xff);
        out.flush();
    }
}
