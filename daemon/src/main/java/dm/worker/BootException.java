package dm.worker;

import dm.handler.InvalidSettingException;

/** The worker cannot start serving; the message says why in one line. */
final class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    BootException(String message) {
        super(message);
    }

    /** The handler refused one of its handler.* settings: a bad configuration rather than a broken handler. */
    BootException(String message, InvalidSettingException cause) {
        super(message, cause);
    }

    boolean settingRefused() {
        return getCause() instanceof InvalidSettingException;
    }
}
