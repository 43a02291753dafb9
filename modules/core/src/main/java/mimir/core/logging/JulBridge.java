package mimir.core.logging;

import java.lang.System.Logger.Level;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * Sends {@code java.util.logging} records (gRPC, Netty when SLF4J is absent, the JDK) and, through
 * {@code slf4j-jdk14} in {@code lib/}, every SLF4J logger of the storage SDKs to the same logfmt lines
 * as {@link System.Logger}, at the same {@code -log.level}. Without it they would print JUL's two-line
 * default format on standard error at INFO whatever the level.
 */
public final class JulBridge extends Handler {
    private final SimpleFormatter formatter = new SimpleFormatter();

    private JulBridge() {}

    /** Replaces the root handlers by the bridge and sets the root level to the threshold. */
    public static void install(Level threshold) {
        LogManager.getLogManager().reset();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        JulBridge bridge = new JulBridge();
        bridge.setLevel(java.util.logging.Level.ALL);
        root.addHandler(bridge);
        root.setLevel(julLevel(threshold));
    }

    static java.util.logging.Level julLevel(Level level) {
        return switch (level) {
            case ALL, TRACE -> java.util.logging.Level.FINEST;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARNING -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
            case OFF -> java.util.logging.Level.OFF;
        };
    }

    static Level systemLevel(java.util.logging.Level level) {
        int value = level.intValue();
        if (value >= java.util.logging.Level.SEVERE.intValue()) {
            return Level.ERROR;
        }
        if (value >= java.util.logging.Level.WARNING.intValue()) {
            return Level.WARNING;
        }
        if (value >= java.util.logging.Level.INFO.intValue()) {
            return Level.INFO;
        }
        if (value >= java.util.logging.Level.FINE.intValue()) {
            return Level.DEBUG;
        }
        return Level.TRACE;
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        Level level = systemLevel(record.getLevel());
        LogfmtLogger logger = new LogfmtLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
        if (!logger.isLoggable(level)) {
            return;
        }
        // formatMessage applies {0}-style parameters and resource bundles, as JUL's own formatters do.
        logger.log(level, null, formatter.formatMessage(record), record.getThrown());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
