package dm.config;

/**
 * A configuration the daemon refuses. The message is one line meant for the operator: it names
 * the file, the key and the value that is wrong.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
