package dm.worker;

/** The worker cannot start serving; the message says why in one line. */
final class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    BootException(String message) {
        super(message);
    }
}
