package dm.worker;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The handler's output stream, counting the bytes written, for the access log. */
final class CountedOutput extends FilterOutputStream {
    private long bytes;

    CountedOutput(OutputStream out) {
        super(out);
    }

    long bytes() {
        return bytes;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        bytes++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length); // whole, not FilterOutputStream's byte at a time
        bytes += length;
    }
}
