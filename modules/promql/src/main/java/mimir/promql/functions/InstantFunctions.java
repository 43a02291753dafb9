package mimir.promql.functions;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The element-wise float functions of PromQL: math, trigonometry, rounding and clamping, and the
 * calendar functions that read a value as Unix seconds in UTC. Each maps one value to one value.
 */
public final class InstantFunctions {
    private InstantFunctions() {}

    /**
     * Applies a one-argument math or calendar function by its PromQL name.
     *
     * @throws IllegalArgumentException for a name that is not such a function
     */
    public static double apply(String name, double v) {
        return switch (name) {
            case "abs" -> Math.abs(v);
            case "ceil" -> Math.ceil(v);
            case "floor" -> Math.floor(v);
            case "exp" -> Math.exp(v);
            case "ln" -> Math.log(v);
            case "log2" -> log2(v);
            case "log10" -> Math.log10(v);
            case "sqrt" -> Math.sqrt(v);
            case "sgn" -> v > 0 ? 1 : v < 0 ? -1 : v;
            case "sin" -> Math.sin(v);
            case "cos" -> Math.cos(v);
            case "tan" -> Math.tan(v);
            case "asin" -> Math.asin(v);
            case "acos" -> Math.acos(v);
            case "atan" -> Math.atan(v);
            case "sinh" -> Math.sinh(v);
            case "cosh" -> Math.cosh(v);
            case "tanh" -> Math.tanh(v);
            case "asinh" -> asinh(v);
            case "acosh" -> acosh(v);
            case "atanh" -> atanh(v);
            case "deg" -> v * 180 / Math.PI;
            case "rad" -> v * Math.PI / 180;
            case "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year" -> calendar(name, v);
            default -> throw new IllegalArgumentException("not an element-wise function: " + name);
        };
    }

    /** {@code round(v, toNearest)}: rounds half up to a multiple of {@code toNearest}. */
    public static double round(double v, double toNearest) {
        double inverse = 1.0 / toNearest;
        return Math.floor(v * inverse + 0.5) / inverse;
    }

    /** {@code clamp(v, min, max)}; NaN when {@code max < min}. */
    public static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    /** Go's {@code math.Log2}: exact for powers of two. */
    static double log2(double v) {
        if (v > 0 && !Double.isInfinite(v)) {
            int exponent = Math.getExponent(v);
            if (v == Math.scalb(1.0, exponent)) {
                return exponent;
            }
        }
        return Math.log(v) / Math.log(2);
    }

    static double asinh(double v) {
        if (Double.isInfinite(v) || v == 0) {
            return v;
        }
        double abs = Math.abs(v);
        double result = Math.log(abs + Math.sqrt(abs * abs + 1));
        return v < 0 ? -result : result;
    }

    static double acosh(double v) {
        if (v < 1) {
            return Double.NaN;
        }
        return Math.log(v + Math.sqrt(v * v - 1));
    }

    static double atanh(double v) {
        if (v < -1 || v > 1) {
            return Double.NaN;
        }
        if (v == 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (v == -1) {
            return Double.NEGATIVE_INFINITY;
        }
        return 0.5 * Math.log((1 + v) / (1 - v));
    }

    private static double calendar(String name, double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return Double.NaN;
        }
        ZonedDateTime time = Instant.ofEpochSecond((long) seconds).atZone(ZoneOffset.UTC);
        return switch (name) {
            case "day_of_month" -> time.getDayOfMonth();
            case "day_of_week" -> time.getDayOfWeek().getValue() % 7;
            case "day_of_year" -> time.getDayOfYear();
            case "days_in_month" -> time.toLocalDate().lengthOfMonth();
            case "hour" -> time.getHour();
            case "minute" -> time.getMinute();
            case "month" -> time.getMonthValue();
            case "year" -> time.getYear();
            default -> throw new IllegalArgumentException(name);
        };
    }
}
