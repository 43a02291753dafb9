package mimir.promql.parser;

/**
 * Prometheus duration strings ({@code model.ParseDuration} / {@code model.Duration.String}): one or more
 * {@code <integer><unit>} pairs, units {@code y w d h m s ms} largest first, or {@code 0}.
 */
public final class PromDurations {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] UNIT_MILLIS = {365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000,
            3600L * 1000, 60L * 1000, 1000L, 1L};

    private PromDurations() {}

    /**
     * Parses a duration into milliseconds.
     *
     * @throws IllegalArgumentException with Prometheus's message for an invalid string
     */
    public static long parseMillis(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        if (text.equals("0")) {
            return 0;
        }
        long total = 0;
        int lastUnit = -1;
        int i = 0;
        while (i < text.length()) {
            int digitsStart = i;
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
            if (i == digitsStart) {
                throw new IllegalArgumentException("not a valid duration string: " + GoStrings.quote(text));
            }
            String digits = text.substring(digitsStart, i);
            int unitStart = i;
            while (i < text.length() && !Character.isDigit(text.charAt(i))) {
                i++;
            }
            String unitText = text.substring(unitStart, i);
            int unit = unitIndex(unitText);
            if (unit < 0) {
                if (unitText.isEmpty()) {
                    throw new IllegalArgumentException("not a valid duration string: " + GoStrings.quote(text));
                }
                throw new IllegalArgumentException("unknown unit " + GoStrings.quote(unitText) + " in duration " + GoStrings.quote(text));
            }
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("not a valid duration string: " + GoStrings.quote(text));
            }
            lastUnit = unit;
            long value;
            try {
                value = Math.multiplyExact(Long.parseLong(digits), UNIT_MILLIS[unit]);
                total = Math.addExact(total, value);
            }
            catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("duration out of range");
            }
            // A duration is a signed 64-bit count of nanoseconds in Prometheus.
            if (total > Long.MAX_VALUE / 1_000_000) {
                throw new IllegalArgumentException("duration out of range");
            }
        }
        return total;
    }

    private static int unitIndex(String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return i;
            }
        }
        return -1;
    }

    /** Formats milliseconds as Prometheus does, e.g. {@code 1h30m} or {@code 0s}; the sign is not printed. */
    public static String format(long millis) {
        long remaining = Math.abs(millis);
        if (remaining == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < UNITS.length; i++) {
            long count = remaining / UNIT_MILLIS[i];
            if (count > 0) {
                out.append(count).append(UNITS[i]);
                remaining -= count * UNIT_MILLIS[i];
            }
        }
        return out.toString();
    }
}
