package dm.config;

/**
 * The configuration reference of the README, made from {@link Settings}: the declarations are the
 * one source, and a test checks that the README carries exactly this table.
 * {@code java -cp ... dm.config.ConfigReference} prints it.
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| key | type | default | meaning |\n");
        out.append("|---|---|---|---|\n");
        for (Setting<?> setting : Settings.ALL) {
            String def = String.valueOf(setting.defaultValue());
            out.append("| `").append(setting.key()).append("` | ").append(setting.type()).append(" | ")
                    .append(def.isEmpty() ? "(empty)" : "`" + def + "`").append(" | ")
                    .append(setting.doc().replace("|", "\\|")).append(" |\n");
        }
        out.append("| `").append(Settings.HANDLER_PREFIX).append("*` | text | (none) | ").append(Settings.HANDLER_KEYS_DOC)
                .append(" |\n");
        return out.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
