package mimir.core.config;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import mimir.spi.config.Category;
import mimir.spi.config.Setting;

/**
 * Prints {@code -help} and {@code -help-all} in Mimir's format (Go's {@code flag} usage with
 * categories): {@code Usage of ./mimir:}, then per flag {@code   -name type} (no type for booleans)
 * and a tab-indented help line ending in {@code (default X)} when the default is not the type's zero
 * value, experimental flags marked {@code [experimental] }.
 *
 * <p>On top of Mimir's format, flags are grouped by component (the first segment of the flag name)
 * under a {@code # group} header line; flags without a dot come first, without a header.
 */
public final class HelpPrinter {
    private static final String PROGRAM = "./mimir";

    private HelpPrinter() {}

    /**
     * @param all false for {@code -help} (basic settings only), true for {@code -help-all}
     */
    public static void print(PrintStream out, List<Setting<?>> settings, boolean all) {
        StringBuilder text = new StringBuilder();
        text.append("Usage of ").append(PROGRAM).append(":\n");
        List<Setting<?>> shown = settings.stream()
                .filter(Setting::hasFlag)
                .filter(setting -> all || setting.category() == Category.BASIC)
                .sorted(Comparator.<Setting<?>, String>comparing(Setting::group).thenComparing(Setting::flag))
                .toList();
        String group = "";
        for (Setting<?> setting : shown) {
            if (!setting.group().equals(group)) {
                group = setting.group();
                text.append("\n  # ").append(group).append('\n');
            }
            appendFlag(text, setting);
        }
        if (!all) {
            text.append("\nTo see all flags, use -help-all\n");
        }
        out.print(text);
        out.flush();
    }

    private static void appendFlag(StringBuilder text, Setting<?> setting) {
        text.append("  -").append(setting.flag());
        if (!(setting.defaultValue() instanceof Boolean)) {
            text.append(' ').append(setting.type().name());
        }
        // Four spaces before the tab line up with both 4- and 8-column tab stops, as in Go.
        text.append("\n    \t");
        if (setting.category() == Category.EXPERIMENTAL) {
            text.append("[experimental] ");
        }
        text.append(setting.help().replace("\n", "\n    \t"));
        if (!isZero(setting.defaultValue())) {
            text.append(" (default ").append(formatDefault(setting)).append(')');
        }
        text.append('\n');
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case Boolean b -> !b;
            case Number n -> n.doubleValue() == 0;
            case String s -> s.isEmpty();
            case Duration d -> d.isZero();
            case Collection<?> c -> c.isEmpty();
            case Map<?, ?> m -> m.isEmpty();
            default -> false;
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> String formatDefault(Setting<T> setting) {
        String formatted = setting.type().format(setting.defaultValue());
        // Go quotes string-kinded defaults (%q) and prints the others as they are (%v).
        return setting.defaultValue() instanceof String ? quote(formatted) : Objects.toString(formatted);
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
