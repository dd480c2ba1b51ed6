package dm.handler;

import java.util.Map;
import java.util.Set;

/**
 * The handler's own settings: the keys of the configuration file that start with
 * {@value #PREFIX}, such as {@code handler.greeting = hi}. dm passes them on without looking at
 * them (every other unknown key is refused); the handler gives each its type and default here, and
 * refuses what it cannot use with {@link #invalid}. Keys are always written in full,
 * {@code "handler.greeting"}, as in the file.
 *
 * <p>A typed getter that meets a value it cannot parse throws an {@link InvalidSettingException}
 * naming the key and the value; thrown from {@link ConnectionHandler#configure} or
 * {@link ConnectionHandler#start}, it stops the worker's boot with that one line, and
 * {@code dm-daemon --check} reports it as a bad configuration.
 */
public interface HandlerSettings {

    /** What every handler setting's key starts with. */
    String PREFIX = "handler.";

    /**
     * Settings from a map of keys to values, for a handler's own tests.
     *
     * @param values keys that all start with {@value #PREFIX}, and their values
     * @return settings holding a copy of {@code values}
     * @throws IllegalArgumentException when a key does not start with {@value #PREFIX}
     */
    static HandlerSettings of(Map<String, String> values) {
        return new MapHandlerSettings(values);
    }

    /**
     * Every key set in the file, for a handler that wants to refuse keys it does not know.
     *
     * @return the keys, sorted, each starting with {@value #PREFIX}
     */
    Set<String> keys();

    /**
     * Whether the file sets {@code key}.
     *
     * @param key the full key, {@code handler.NAME}
     * @return true when the key is set, even to an empty value
     */
    boolean isSet(String key);

    /**
     * A text value.
     *
     * @param key the full key, {@code handler.NAME}
     * @param defaultValue what to return when the key is not set
     * @return the value as written, without leading and trailing blanks
     */
    String setting(String key, String defaultValue);

    /**
     * A text value that must be set.
     *
     * @param key the full key, {@code handler.NAME}
     * @return the value as written, without leading and trailing blanks
     * @throws InvalidSettingException when the key is not set
     */
    String requiredSetting(String key);

    /**
     * A whole number.
     *
     * @param key the full key, {@code handler.NAME}
     * @param defaultValue what to return when the key is not set
     * @return the value
     * @throws InvalidSettingException when the value is not an integer
     */
    int intSetting(String key, int defaultValue);

    /**
     * A whole number in a range.
     *
     * @param key the full key, {@code handler.NAME}
     * @param defaultValue what to return when the key is not set
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the value
     * @throws InvalidSettingException when the value is not an integer between min and max
     */
    int intSetting(String key, int defaultValue, int min, int max);

    /**
     * A whole number that may exceed an int.
     *
     * @param key the full key, {@code handler.NAME}
     * @param defaultValue what to return when the key is not set
     * @return the value
     * @throws InvalidSettingException when the value is not an integer
     */
    long longSetting(String key, long defaultValue);

    /**
     * A yes-or-no value: true, yes or on; false, no or off (in any case).
     *
     * @param key the full key, {@code handler.NAME}
     * @param defaultValue what to return when the key is not set
     * @return the value
     * @throws InvalidSettingException when the value is none of those words
     */
    boolean booleanSetting(String key, boolean defaultValue);

    /**
     * A duration, in milliseconds: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, or a plain
     * number of milliseconds.
     *
     * @param key the full key, {@code handler.NAME}
     * @param defaultMillis what to return when the key is not set
     * @return the duration in milliseconds, 0 or more
     * @throws InvalidSettingException when the value is not such a duration
     */
    long durationMillis(String key, long defaultMillis);

    /**
     * The exception that refuses the value of {@code key}, for checks of the handler's own:
     * {@code throw settings.invalid("handler.greeting", "must not be empty");}
     *
     * @param key the full key, {@code handler.NAME}
     * @param reason why the value cannot be used, in a few words
     * @return the exception to throw; its message names the key and the value
     */
    InvalidSettingException invalid(String key, String reason);
}
