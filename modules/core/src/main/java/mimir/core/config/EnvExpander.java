package mimir.core.config;

import java.util.Map;

/**
 * {@code -config.expand-env}: replaces {@code ${VAR}}, {@code $VAR} and {@code ${VAR:default}} in
 * the config file text before it is parsed, with the semantics of Go's {@code os.Expand} as Mimir
 * uses it: undefined or empty variables become the default or the empty string, newlines in values are
 * dropped (so a value cannot break the YAML structure), {@code $} followed by neither a name nor a
 * brace is kept, and malformed {@code ${...} } references are dropped.
 */
final class EnvExpander {
    private EnvExpander() {}

    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            int start = i + 1;
            char next = text.charAt(start);
            if (next == '{') {
                int close = text.indexOf('}', start + 1);
                if (close < 0 || close == start + 1) {
                    // Go eats "${" without a closing brace, and "${}", as bad syntax.
                    i = close < 0 ? start + 1 : close + 1;
                    continue;
                }
                out.append(lookup(text.substring(start + 1, close), env));
                i = close + 1;
            }
            else if (isShellSpecial(next)) {
                out.append(lookup(String.valueOf(next), env));
                i = start + 1;
            }
            else {
                int end = start;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                if (end == start) {
                    out.append('$');
                    i = start;
                }
                else {
                    out.append(lookup(text.substring(start, end), env));
                    i = end;
                }
            }
        }
        return out.toString();
    }

    private static String lookup(String reference, Map<String, String> env) {
        int colon = reference.indexOf(':');
        String name = colon < 0 ? reference : reference.substring(0, colon);
        String value = env.getOrDefault(name, "");
        if (value.isEmpty() && colon >= 0) {
            value = reference.substring(colon + 1);
        }
        return value.replace("\n", "");
    }

    private static boolean isShellSpecial(char c) {
        return "*#$@!?-".indexOf(c) >= 0 || (c >= '0' && c <= '9');
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
