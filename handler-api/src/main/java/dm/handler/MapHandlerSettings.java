package dm.handler;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link HandlerSettings} over a sorted copy of the keys and values. */
final class MapHandlerSettings implements HandlerSettings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final String DURATION_FORMAT = "must be a duration such as 250ms, 30s, 5m or 2h"
            + " (a plain number is milliseconds)";

    private final SortedMap<String, String> values;

    MapHandlerSettings(Map<String, String> values) {
        SortedMap<String, String> copy = new TreeMap<>();
        values.forEach((key, value) -> copy.put(checkedKey(key), value.strip()));
        this.values = Collections.unmodifiableSortedMap(copy);
    }

    @Override
    public Set<String> keys() {
        return values.keySet();
    }

    @Override
    public boolean isSet(String key) {
        return values.containsKey(checkedKey(key));
    }

    @Override
    public String setting(String key, String defaultValue) {
        return values.getOrDefault(checkedKey(key), defaultValue);
    }

    @Override
    public String requiredSetting(String key) {
        String value = values.get(checkedKey(key));
        if (value == null) {
            throw invalid(key, "must be set");
        }
        return value;
    }

    @Override
    public int intSetting(String key, int defaultValue) {
        return intSetting(key, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    @Override
    public int intSetting(String key, int defaultValue, int min, int max) {
        String text = values.get(checkedKey(key));
        if (text == null) {
            return defaultValue;
        }
        long value = parseLong(key, text);
        if (value < min || value > max) {
            throw invalid(key, "must be between " + min + " and " + max);
        }
        return (int) value;
    }

    @Override
    public long longSetting(String key, long defaultValue) {
        String text = values.get(checkedKey(key));
        return text == null ? defaultValue : parseLong(key, text);
    }

    @Override
    public boolean booleanSetting(String key, boolean defaultValue) {
        String text = values.get(checkedKey(key));
        if (text == null) {
            return defaultValue;
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw invalid(key, "must be true or false");
        }
    }

    @Override
    public long durationMillis(String key, long defaultMillis) {
        String text = values.get(checkedKey(key));
        if (text == null) {
            return defaultMillis;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw invalid(key, DURATION_FORMAT);
        }
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid(key, "too long");
        }
    }

    @Override
    public InvalidSettingException invalid(String key, String reason) {
        return new InvalidSettingException(key, values.get(checkedKey(key)), reason);
    }

    private long parseLong(String key, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw invalid(key, text.matches("[+-]?\\d+") ? "too large" : "not an integer");
        }
    }

    private static String checkedKey(String key) {
        if (key == null || !key.startsWith(PREFIX) || key.length() == PREFIX.length()) {
            throw new IllegalArgumentException("not a handler setting: '" + key + "' (they are named "
                    + PREFIX + "NAME)");
        }
        return key;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
