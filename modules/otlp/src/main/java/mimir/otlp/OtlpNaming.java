package mimir.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's OTLP name translation ({@code github.com/prometheus/otlptranslator}): metric names with
 * optional unit, {@code _total} and {@code _ratio} suffixes, unit names for metadata, and label names.
 * "Compliant" means the legacy Prometheus character set; with UTF-8 allowed names pass unescaped.
 */
final class OtlpNaming {
    /** How a metric's type affects its name. */
    enum NameType {
        GAUGE, MONOTONIC_COUNTER, NON_MONOTONIC_COUNTER, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY, UNKNOWN
    }

    /** A name that cannot be translated; the metric (or data point) carrying it is rejected. */
    static final class NamingException extends Exception {
        private static final long serialVersionUID = 1L;

        NamingException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Map<String, String> UNITS = Map.ofEntries(
            // Time
            Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
            // Bytes
            Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"), Map.entry("GiBy", "gibibytes"),
            Map.entry("TiBy", "tibibytes"), Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"),
            // SI
            Map.entry("m", "meters"), Map.entry("V", "volts"), Map.entry("A", "amperes"), Map.entry("J", "joules"),
            Map.entry("W", "watts"), Map.entry("g", "grams"),
            // Misc
            Map.entry("Cel", "celsius"), Map.entry("Hz", "hertz"), Map.entry("1", ""), Map.entry("%", "percent"));

    private static final Map<String, String> PER_UNITS = Map.of(
            "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    private OtlpNaming() {}

    /**
     * The Prometheus metric name of an OTLP metric.
     *
     * @param suffixes    whether to add unit, {@code _total} and {@code _ratio} suffixes
     * @param utf8Allowed whether names pass unescaped ({@code NoUTF8Escaping…}/{@code NoTranslation})
     */
    static String metricName(String name, String unit, NameType type, boolean suffixes, boolean utf8Allowed) throws NamingException {
        if (utf8Allowed) {
            return utf8MetricName(name, unit, type, suffixes);
        }
        String normalized = suffixes ? normalizeName(name, unit, type) : simpleCompliantName(name);
        if (normalized.isEmpty()) {
            throw new NamingException("normalization for metric \"" + name + "\" resulted in empty name");
        }
        if (!normalized.equals(name) && onlyUnderscores(normalized)) {
            throw new NamingException("normalization for metric \"" + name + "\" resulted in invalid name \"" + normalized + "\"");
        }
        return normalized;
    }

    private static String simpleCompliantName(String name) {
        if (isCompliantWithUnderscores(name) && !name.isEmpty() && !isAsciiDigit(name.charAt(0))) {
            return name;
        }
        // Runs of characters outside [a-zA-Z0-9:_] separate fields; fields are joined by one underscore.
        StringBuilder out = new StringBuilder(name.length() + 1);
        boolean pendingSeparator = false;
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            if (isCompliantMetricChar(c) || c == '_') {
                if (pendingSeparator && !out.isEmpty()) {
                    out.append('_');
                }
                pendingSeparator = false;
                out.append((char) c);
            }
            else {
                pendingSeparator = true;
            }
        }
        if (!out.isEmpty() && isAsciiDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }

    private static String normalizeName(String name, String unit, NameType type) {
        List<String> tokens = metricNameTokens(name);
        String[] unitSuffixes = unitSuffixes(unit);
        addUnitTokens(tokens, cleanUpUnit(unitSuffixes[0]), cleanUpUnit(unitSuffixes[1]));
        if (type == NameType.MONOTONIC_COUNTER) {
            tokens.removeIf("total"::equals);
            tokens.add("total");
        }
        // Only gauges get _ratio: some receivers wrongly use unit "1" for counters of objects.
        if (unit.equals("1") && type == NameType.GAUGE) {
            tokens.removeIf("ratio"::equals);
            tokens.add("ratio");
        }
        String joined = String.join("_", tokens);
        if (!joined.isEmpty() && isAsciiDigit(joined.charAt(0))) {
            joined = "_" + joined;
        }
        return joined;
    }

    /** Splits at every character outside [a-zA-Z0-9:], underscores included, so runs of underscores collapse. */
    private static List<String> metricNameTokens(String name) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            int next = i + Character.charCount(c);
            if (isCompliantMetricChar(c)) {
                if (start < 0) {
                    start = i;
                }
            }
            else if (start >= 0) {
                tokens.add(name.substring(start, i));
                start = -1;
            }
            i = next;
        }
        if (start >= 0) {
            tokens.add(name.substring(start));
        }
        return tokens;
    }

    private static void addUnitTokens(List<String> tokens, String mainUnit, String perUnit) {
        if (tokens.contains(mainUnit)) {
            mainUnit = "";
        }
        if (perUnit.equals("per_")) {
            perUnit = "";
        }
        else {
            perUnit = trimSuffix(perUnit, "_");
            if (tokens.contains(perUnit)) {
                perUnit = "";
            }
        }
        if (!perUnit.isEmpty()) {
            mainUnit = trimSuffix(mainUnit, "_");
        }
        if (!mainUnit.isEmpty()) {
            tokens.add(mainUnit);
        }
        if (!perUnit.isEmpty()) {
            tokens.add(perUnit);
        }
    }

    private static String utf8MetricName(String name, String unit, NameType type, boolean suffixes) {
        if (!suffixes) {
            return name;
        }
        boolean ratio = unit.equals("1") && type == NameType.GAUGE;
        boolean total = type == NameType.MONOTONIC_COUNTER;
        if (ratio) {
            name = trimSuffixAndDelimiter(name, "ratio");
        }
        if (total) {
            name = trimSuffixAndDelimiter(name, "total");
        }
        String[] unitSuffixes = unitSuffixes(unit);
        String perUnit = unitSuffixes[1];
        if (!perUnit.isEmpty()) {
            name = trimSuffixAndDelimiter(name, perUnit);
        }
        String mainUnit = unitSuffixes[0];
        if (!mainUnit.isEmpty() && !name.endsWith(mainUnit)) {
            name = name + "_" + mainUnit;
        }
        if (!perUnit.isEmpty()) {
            name = name + "_" + perUnit;
        }
        if (total) {
            name = name + "_total";
        }
        if (ratio) {
            name = name + "_ratio";
        }
        return name;
    }

    private static String trimSuffixAndDelimiter(String name, String suffix) {
        if (name.endsWith(suffix) && name.length() > suffix.length() + 1) {
            return name.substring(0, name.length() - (suffix.length() + 1));
        }
        return name;
    }

    /** [main unit, "per_" + per unit]: mapped through the unit tables; parts with {@code {…}} annotations are dropped. */
    private static String[] unitSuffixes(String unit) {
        String mainUnit = "";
        String perUnit = "";
        int slash = unit.indexOf('/');
        String main = (slash < 0 ? unit : unit.substring(0, slash)).strip();
        if (!main.isEmpty() && !containsBraces(main)) {
            mainUnit = UNITS.getOrDefault(main, main);
        }
        if (slash >= 0 && slash + 1 < unit.length()) {
            String per = unit.substring(slash + 1).strip();
            if (!per.isEmpty() && !containsBraces(per)) {
                perUnit = PER_UNITS.getOrDefault(per, per);
            }
            if (!perUnit.isEmpty()) {
                perUnit = "per_" + perUnit;
            }
        }
        return new String[] {mainUnit, perUnit};
    }

    private static boolean containsBraces(String s) {
        return s.indexOf('{') >= 0 || s.indexOf('}') >= 0;
    }

    /** Characters outside [a-zA-Z0-9:] become underscores, runs of underscores collapse, a leading one goes. */
    private static String cleanUpUnit(String unit) {
        if (unit.isEmpty()) {
            return unit;
        }
        StringBuilder out = new StringBuilder(unit.length());
        boolean previousUnderscore = false;
        for (int i = 0; i < unit.length(); ) {
            int c = unit.codePointAt(i);
            i += Character.charCount(c);
            if (isCompliantMetricChar(c)) {
                out.append((char) c);
                previousUnderscore = false;
            }
            else if (!previousUnderscore) {
                out.append('_');
                previousUnderscore = true;
            }
        }
        if (!out.isEmpty() && out.charAt(0) == '_') {
            out.deleteCharAt(0);
        }
        return out.toString();
    }

    /**
     * The Prometheus label name of an OTLP attribute key.
     *
     * @param underscoreSanitization      prefix {@code key} to names starting with a single underscore
     * @param preserveMultipleUnderscores keep runs of underscores instead of collapsing them
     */
    static String labelName(String label, boolean utf8Allowed, boolean underscoreSanitization, boolean preserveMultipleUnderscores)
            throws NamingException {
        if (label.isEmpty()) {
            throw new NamingException("label name is empty");
        }
        if (utf8Allowed) {
            if (onlyUnderscores(label)) {
                throw new NamingException("label name \"" + label + "\" contains only underscores");
            }
            return label;
        }
        if (canKeepLabel(label, preserveMultipleUnderscores, underscoreSanitization)) {
            return label;
        }
        String normalized = sanitizeLabelName(label, preserveMultipleUnderscores);
        if (isAsciiDigit(normalized.charAt(0))) {
            normalized = "key_" + normalized;
        }
        else if (underscoreSanitization && normalized.startsWith("_") && !normalized.startsWith("__")) {
            normalized = "key" + normalized;
        }
        if (onlyUnderscores(normalized)) {
            throw new NamingException("normalization for label name \"" + label + "\" resulted in invalid name \"" + normalized + "\"");
        }
        return normalized;
    }

    /** Whether sanitizing would return the label unchanged (the common case, which then allocates nothing). */
    private static boolean canKeepLabel(String label, boolean preserveMultipleUnderscores, boolean underscoreSanitization) {
        int n = label.length();
        if (isAsciiDigit(label.charAt(0))) {
            return false;
        }
        if (underscoreSanitization && label.startsWith("_") && !label.startsWith("__")) {
            return false;
        }
        int start = 0;
        int end = n;
        if (!preserveMultipleUnderscores && n >= 4 && label.startsWith("__") && label.endsWith("__")) {
            start = 2;
            end = n - 2;
        }
        boolean previousUnderscore = false;
        boolean sawOther = false;
        for (int i = start; i < end; i++) {
            char c = label.charAt(i);
            if (c == '_') {
                if (!preserveMultipleUnderscores && previousUnderscore) {
                    return false;
                }
                previousUnderscore = true;
            }
            else if (isCompliantLabelChar(c)) {
                previousUnderscore = false;
                sawOther = true;
            }
            else {
                return false;
            }
        }
        return sawOther;
    }

    private static String sanitizeLabelName(String name, boolean preserveMultipleUnderscores) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        if (preserveMultipleUnderscores) {
            for (int i = 0; i < name.length(); ) {
                int c = name.codePointAt(i);
                i += Character.charCount(c);
                out.append(isCompliantLabelChar(c) ? (char) c : '_');
            }
            return out.toString();
        }
        boolean reserved = name.length() >= 4 && name.startsWith("__") && name.endsWith("__");
        String inner = reserved ? name.substring(2, name.length() - 2) : name;
        if (reserved) {
            out.append("__");
        }
        boolean previousUnderscore = false;
        for (int i = 0; i < inner.length(); ) {
            int c = inner.codePointAt(i);
            i += Character.charCount(c);
            if (isCompliantLabelChar(c)) {
                out.append((char) c);
                previousUnderscore = false;
            }
            else if (!previousUnderscore) {
                out.append('_');
                previousUnderscore = true;
            }
        }
        if (reserved) {
            out.append("__");
        }
        return out.toString();
    }

    private static boolean isCompliantWithUnderscores(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isCompliantMetricChar(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean isCompliantMetricChar(int c) {
        return isCompliantLabelChar(c) || c == ':';
    }

    private static boolean isCompliantLabelChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean onlyUnderscores(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }

    private static String trimSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }
}
