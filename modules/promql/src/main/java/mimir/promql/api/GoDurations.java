package mimir.promql.api;

/** Durations printed as Go's {@code time.Duration.String()} prints them ({@code 1h0m0s}, {@code 1.5s}, {@code 250ms}), as Mimir's messages show them. */
public final class GoDurations {
    private GoDurations() {}

    /** Formats milliseconds like Go's {@code time.Duration(ms * 1e6).String()}. */
    public static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long abs = Math.abs(millis);
        if (millis < 0) {
            out.append('-');
        }
        if (abs < 1000) {
            return out.append(abs).append("ms").toString();
        }
        long hours = abs / 3_600_000;
        long minutes = abs / 60_000 % 60;
        long seconds = abs / 1000 % 60;
        long fraction = abs % 1000;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds);
        if (fraction != 0) {
            String digits = String.valueOf(1000 + fraction).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(digits, 0, end);
        }
        return out.append('s').toString();
    }
}
