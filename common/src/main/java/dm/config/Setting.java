package dm.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key, declared once: its name, type, default, validation and documentation.
 * The parser, the validation messages, {@code --check} and the configuration reference all come
 * from these declarations (see {@link Settings}).
 */
public final class Setting<T> {

    /** Turns the text of a value into a T, or explains in a few words why it cannot. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text) throws IllegalArgumentException;
    }

    private final String key;
    private final String type;
    private final T defaultValue;
    private final Parser<T> parser;
    private final String doc;

    private Setting(String key, String type, T defaultValue, Parser<T> parser, String doc) {
        this.key = Objects.requireNonNull(key);
        this.type = type;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.doc = doc;
    }

    public static Setting<Integer> integer(String key, int defaultValue, int min, int max, String doc) {
        Parser<Integer> parser = text -> {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return value;
        };
        return new Setting<>(key, min + ".." + (max == Integer.MAX_VALUE ? "" : max), defaultValue, parser, doc);
    }

    public static Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
        Parser<Boolean> parser = text -> {
            switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "true":
                case "yes":
                case "on":
                    return Boolean.TRUE;
                case "false":
                case "no":
                case "off":
                    return Boolean.FALSE;
                default:
                    throw new IllegalArgumentException("must be true or false");
            }
        };
        return new Setting<>(key, "true/false", defaultValue, parser, doc);
    }

    public static Setting<String> string(String key, String type, String defaultValue, Function<String, String> check,
            String doc) {
        Parser<String> parser = text -> {
            String problem = check.apply(text);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return text;
        };
        return new Setting<>(key, type, defaultValue, parser, doc);
    }

    public String key() {
        return key;
    }

    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    T parse(String text) {
        return parser.parse(text);
    }
}
