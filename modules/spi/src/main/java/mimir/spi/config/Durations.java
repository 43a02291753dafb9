package mimir.spi.config;

import java.time.Duration;

/**
 * Durations written as Mimir and Prometheus write them: a sequence of decimal numbers each followed by
 * a unit, {@code y w d h m s ms us µs ns} ({@code 10s}, {@code 1h30m}, {@code 7d}, {@code 1.5h},
 * {@code 0}). A year is 365 days and a week 7 days, as in Prometheus.
 */
public final class Durations {
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
    private static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;
    private static final long NANOS_PER_DAY = 24 * NANOS_PER_HOUR;
    private static final long NANOS_PER_WEEK = 7 * NANOS_PER_DAY;
    private static final long NANOS_PER_YEAR = 365 * NANOS_PER_DAY;

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the text if it is not a duration
     */
    public static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        long totalNanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw invalid(text);
            }
            String number = s.substring(start, i);
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            long unitNanos = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> NANOS_PER_MILLI;
                case "s" -> NANOS_PER_SECOND;
                case "m" -> NANOS_PER_MINUTE;
                case "h" -> NANOS_PER_HOUR;
                case "d" -> NANOS_PER_DAY;
                case "w" -> NANOS_PER_WEEK;
                case "y" -> NANOS_PER_YEAR;
                default -> throw invalid(text);
            };
            try {
                if (number.indexOf('.') >= 0) {
                    totalNanos = Math.addExact(totalNanos, Math.round(Double.parseDouble(number) * unitNanos));
                }
                else {
                    totalNanos = Math.addExact(totalNanos, Math.multiplyExact(Long.parseLong(number), unitNanos));
                }
            }
            catch (NumberFormatException | ArithmeticException e) {
                throw invalid(text);
            }
        }
        return Duration.ofNanos(negative ? -totalNanos : totalNanos);
    }

    /**
     * Formats a duration the way Prometheus prints one: {@code 0s}, {@code 10s}, {@code 1h30m},
     * {@code 7d}, {@code 1w}, {@code 500ms}; sub-millisecond parts are printed in {@code us}/{@code ns}.
     */
    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        nanos = append(out, nanos, NANOS_PER_YEAR, "y");
        nanos = append(out, nanos, NANOS_PER_WEEK, "w");
        nanos = append(out, nanos, NANOS_PER_DAY, "d");
        nanos = append(out, nanos, NANOS_PER_HOUR, "h");
        nanos = append(out, nanos, NANOS_PER_MINUTE, "m");
        nanos = append(out, nanos, NANOS_PER_SECOND, "s");
        nanos = append(out, nanos, NANOS_PER_MILLI, "ms");
        nanos = append(out, nanos, 1_000L, "us");
        append(out, nanos, 1L, "ns");
        return out.toString();
    }

    private static long append(StringBuilder out, long nanos, long unit, String suffix) {
        if (nanos >= unit) {
            out.append(nanos / unit).append(suffix);
            return nanos % unit;
        }
        return nanos;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 10s, 1h30m, 7d)");
    }
}
