package mimir.core.logging;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.ResourceBundle;

/**
 * One named logger writing logfmt. A message may carry its own {@code key=value} pairs after the text
 * (written by callers as {@code "module started module=server"}); the first word run up to the first
 * {@code key=} is the {@code msg}.
 */
final class LogfmtLogger implements System.Logger {
    private static final PrintStream OUT = System.err;

    private final String name;
    private final String caller;

    LogfmtLogger(String name) {
        this.name = name;
        int dot = name.lastIndexOf('.');
        this.caller = dot < 0 ? name : name.substring(dot + 1);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && level.getSeverity() >= LogfmtLoggerFinder.threshold().getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        if (!isLoggable(level)) {
            return;
        }
        StringBuilder line = prefix(level);
        appendMessage(line, message == null ? "" : message);
        if (thrown != null) {
            line.append(" err=");
            quote(line, String.valueOf(thrown));
        }
        write(line);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (!isLoggable(level)) {
            return;
        }
        String message = params == null || params.length == 0 ? format : MessageFormat.format(format, params);
        StringBuilder line = prefix(level);
        appendMessage(line, message == null ? "" : message);
        write(line);
    }

    private StringBuilder prefix(Level level) {
        StringBuilder line = new StringBuilder(160);
        line.append("ts=").append(Instant.now()).append(" level=").append(levelName(level)).append(" caller=").append(caller).append(' ');
        return line;
    }

    /** Splits "text key=value key2="v 2"" into msg="text" followed by the pairs as written. */
    static void appendMessage(StringBuilder line, String message) {
        int pairs = firstPair(message);
        String text = pairs < 0 ? message : message.substring(0, pairs).strip();
        line.append("msg=");
        quote(line, text);
        if (pairs >= 0) {
            line.append(' ').append(message, pairs, message.length());
        }
    }

    private static int firstPair(String message) {
        int start = 0;
        while (start < message.length()) {
            int space = message.indexOf(' ', start);
            int end = space < 0 ? message.length() : space;
            String word = message.substring(start, end);
            int eq = word.indexOf('=');
            if (eq > 0 && word.substring(0, eq).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                return start;
            }
            start = end + 1;
        }
        return -1;
    }

    static void quote(StringBuilder line, String text) {
        line.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> line.append(c);
            }
        }
        line.append('"');
    }

    private static String levelName(Level level) {
        return switch (level) {
            case ALL, TRACE, DEBUG -> "debug";
            case INFO -> "info";
            case WARNING -> "warn";
            case ERROR -> "error";
            case OFF -> "off";
        };
    }

    private static void write(StringBuilder line) {
        line.append('\n');
        synchronized (OUT) {
            OUT.print(line);
            OUT.flush();
        }
    }
}
