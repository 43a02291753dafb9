package mimir.gotemplate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * A Go {@code time.Time} for templates: prints as Go prints a time ({@code 2006-01-02 15:04:05.999999999 -0700 MST}),
 * with the methods templates use: {@code .Format layout} (Go's reference-time layouts), {@code .Unix},
 * {@code .UnixMilli}, {@code .UTC}, {@code .IsZero}, {@code .Year}, ...
 *
 * @param instant the time
 * @param zero    whether this is Go's zero time ({@link #ZERO}), e.g. the end of an alert still firing
 */
public record GoTime(Instant instant, boolean zero) implements Fields {
    /** Go's zero time, {@code 0001-01-01 00:00:00 +0000 UTC}. */
    public static final GoTime ZERO = new GoTime(Instant.parse("0001-01-01T00:00:00Z"), true);

    public static GoTime ofMillis(long millis) {
        return new GoTime(Instant.ofEpochMilli(millis), false);
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Format" -> (TemplateFunction) args -> format(String.valueOf(args.getFirst()));
            case "Unix" -> (TemplateFunction) args -> instant.getEpochSecond();
            case "UnixMilli" -> (TemplateFunction) args -> instant.toEpochMilli();
            case "UTC", "Local" -> (TemplateFunction) args -> this;
            case "IsZero" -> (TemplateFunction) args -> zero;
            case "Year" -> (TemplateFunction) args -> (long) utc().getYear();
            case "Month" -> (TemplateFunction) args -> utc().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case "Day" -> (TemplateFunction) args -> (long) utc().getDayOfMonth();
            case "Hour" -> (TemplateFunction) args -> (long) utc().getHour();
            case "Minute" -> (TemplateFunction) args -> (long) utc().getMinute();
            case "Second" -> (TemplateFunction) args -> (long) utc().getSecond();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private ZonedDateTime utc() {
        return instant.atZone(ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        String nanos = Integer.toString(utc().getNano() + 1_000_000_000).substring(1).replaceAll("0+$", "");
        return format("2006-01-02 15:04:05") + (nanos.isEmpty() ? "" : "." + nanos) + " +0000 UTC";
    }

    /** Go's {@code time.Format} with the reference time {@code Mon Jan 2 15:04:05 MST 2006}, in UTC. */
    public String format(String layout) {
        ZonedDateTime t = utc();
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            String rest = layout.substring(i);
            String[][] tokens = {
                {"January", t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)},
                {"Monday", t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)},
                {"Jan", t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)},
                {"Mon", t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)},
                {"MST", "UTC"},
                {"2006", String.format("%04d", t.getYear())},
                {"-07:00", "+00:00"}, {"-0700", "+0000"}, {"-07", "+00"}, {"Z07:00", "Z"}, {"Z0700", "Z"},
                {".000000000", "." + String.format("%09d", t.getNano())}, {".000000", "." + String.format("%06d", t.getNano() / 1000)},
                {".000", "." + String.format("%03d", t.getNano() / 1_000_000)},
                {".999999999", trimmed(t.getNano(), 9)}, {".999999", trimmed(t.getNano() / 1000, 6)}, {".999", trimmed(t.getNano() / 1_000_000, 3)},
                {"01", String.format("%02d", t.getMonthValue())}, {"02", String.format("%02d", t.getDayOfMonth())},
                {"_2", String.format("%2d", t.getDayOfMonth())}, {"06", String.format("%02d", t.getYear() % 100)},
                {"15", String.format("%02d", t.getHour())}, {"03", String.format("%02d", hour12(t))}, {"04", String.format("%02d", t.getMinute())},
                {"05", String.format("%02d", t.getSecond())}, {"PM", t.getHour() < 12 ? "AM" : "PM"}, {"pm", t.getHour() < 12 ? "am" : "pm"},
                {"1", Integer.toString(t.getMonthValue())}, {"2", Integer.toString(t.getDayOfMonth())}, {"3", Integer.toString(hour12(t))},
                {"4", Integer.toString(t.getMinute())}, {"5", Integer.toString(t.getSecond())},
            };
            boolean matched = false;
            for (String[] token : tokens) {
                if (rest.startsWith(token[0])) {
                    out.append(token[1]);
                    i += token[0].length();
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                out.append(layout.charAt(i++));
            }
        }
        return out.toString();
    }

    private static int hour12(ZonedDateTime t) {
        int h = t.getHour() % 12;
        return h == 0 ? 12 : h;
    }

    private static String trimmed(int value, int digits) {
        String text = String.format("%0" + digits + "d", value).replaceAll("0+$", "");
        return text.isEmpty() ? "" : "." + text;
    }
}
