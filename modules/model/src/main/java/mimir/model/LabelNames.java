package mimir.model;

/**
 * Prometheus's legacy name rules: a label name is {@code [a-zA-Z_][a-zA-Z0-9_]*}, a metric name
 * {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. Checked character by character, without allocating: the
 * distributor runs these for every series of every push.
 */
public final class LabelNames {
    private LabelNames() {}

    public static boolean isValidLabelName(String name) {
        return isValid(name, false);
    }

    public static boolean isValidMetricName(String name) {
        return isValid(name, true);
    }

    private static boolean isValid(String name, boolean colons) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (colons && c == ':') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
