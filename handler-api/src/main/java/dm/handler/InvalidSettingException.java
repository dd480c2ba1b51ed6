package dm.handler;

/**
 * A handler setting whose value the handler cannot use. The message is one line for the operator:
 * {@code handler.port = 'eighty': not an integer}, or {@code handler.db-url: must be set}.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The full key, {@code handler.NAME}. */
    private final String key;
    /** The value as written, or null when the key is not set. */
    private final String value;

    /**
     * A refusal of the value of {@code key}.
     *
     * @param key the full key, {@code handler.NAME}
     * @param value the value as written, or null when the key is not set
     * @param reason why the value cannot be used, in a few words
     */
    public InvalidSettingException(String key, String value, String reason) {
        super(value == null ? key + ": " + reason : key + " = '" + value + "': " + reason);
        this.key = key;
        this.value = value;
    }

    /**
     * The key whose value is refused.
     *
     * @return the full key, {@code handler.NAME}
     */
    public String key() {
        return key;
    }

    /**
     * The value refused.
     *
     * @return the value as written, or null when the key is not set
     */
    public String value() {
        return value;
    }
}
