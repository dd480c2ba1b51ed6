package dm.text;

/**
 * A value as an error line shows it: at most {@link #MAX_CHARS} characters, then "…" and the
 * length, with control characters written as escapes, so that a 1 MB value or one with a newline
 * in it still makes one readable line.
 */
public final class Shown {
    /** Characters of a value an error line shows before it cuts the rest. */
    public static final int MAX_CHARS = 80;
    /** Characters of an exception's description: its class and message say more than a value does. */
    public static final int MAX_FAILURE_CHARS = 240;

    private Shown() {
    }

    /** {@code text} cut to a readable length, control characters escaped. */
    public static String value(String text) {
        return cut(text, MAX_CHARS);
    }

    /** {@code 'text'}, cut as {@link #value}. */
    public static String quoted(String text) {
        return "'" + value(text) + "'";
    }

    /** An exception as a log line shows it (its toString), cut at {@link #MAX_FAILURE_CHARS}. */
    public static String failure(Throwable e) {
        return cut(String.valueOf(e), MAX_FAILURE_CHARS);
    }

    private static String cut(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < text.length(); i = text.offsetByCodePoints(i, 1)) {
            if (shown == maxChars) {
                return out.append("… (").append(text.codePointCount(0, text.length())).append(" characters)").toString();
            }
            int c = text.codePointAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
            shown++;
        }
        return out.toString();
    }
}
