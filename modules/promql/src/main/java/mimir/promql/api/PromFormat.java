package mimir.promql.api;

import java.math.BigDecimal;

/**
 * Numbers and timestamps exactly as the Prometheus HTTP API prints them.
 *
 * <ul>
 * <li>Sample values: the shortest decimal that reads back as the same double, in plain notation when
 *     {@code 1e-6 <= |v| < 1e21} or {@code v == 0}, else exponent notation with at least two exponent
 *     digits ({@code 1e-07}, {@code 1e+21}); {@code +Inf}, {@code -Inf}, {@code NaN}.</li>
 * <li>Scalar values: the shortest decimal, always in plain notation.</li>
 * <li>Point timestamps: whole seconds, plus {@code .} and exactly three digits when the milliseconds
 *     are not zero ({@code 1700000120.050}).</li>
 * <li>Scalar and string timestamps: {@code ms / 1000} as the shortest decimal ({@code 1700000120.05}).</li>
 * </ul>
 */
public final class PromFormat {
    private PromFormat() {}

    /** A vector or matrix sample value. */
    public static String sampleValue(double value) {
        String special = special(value);
        if (special != null) {
            return special;
        }
        double abs = Math.abs(value);
        if (value == 0 || (abs >= 1e-6 && abs < 1e21)) {
            return plain(value);
        }
        return exponent(value);
    }

    /** A scalar result's value. */
    public static String scalarValue(double value) {
        String special = special(value);
        return special != null ? special : plain(value);
    }

    /** Appends a point timestamp (JSON number) for milliseconds since the epoch. */
    public static void appendPointTimestamp(StringBuilder out, long millis) {
        long abs = Math.abs(millis);
        if (millis < 0) {
            out.append('-');
        }
        out.append(abs / 1000);
        long fraction = abs % 1000;
        if (fraction != 0) {
            out.append('.');
            if (fraction < 100) {
                out.append('0');
            }
            if (fraction < 10) {
                out.append('0');
            }
            out.append(fraction);
        }
    }

    /** A scalar or string result's timestamp (JSON number). */
    public static String scalarTimestamp(long millis) {
        return plain(millis / 1000.0);
    }

    private static String special(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (value == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        return null;
    }

    private static String plain(double value) {
        if (value == 0) {
            return (Double.doubleToRawLongBits(value) < 0) ? "-0" : "0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+); BigDecimal re-renders them.
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }

    private static String exponent(double value) {
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder();
        if (value < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int absExponent = Math.abs(exponent);
        if (absExponent < 10) {
            out.append('0');
        }
        return out.append(absExponent).toString();
    }
}
