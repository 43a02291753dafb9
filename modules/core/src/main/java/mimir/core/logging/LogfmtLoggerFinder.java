package mimir.core.logging;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Routes every {@link System.Logger} in the process to logfmt lines on standard error, Mimir's log
 * format: {@code ts=2026-11-23T10:43:41.123Z level=info caller=ModuleManager msg="module started" module=server}.
 * The level threshold is {@code -log.level} ({@code debug}, {@code info}, {@code warn}, {@code error}),
 * set by the launcher once the configuration is read.
 */
public final class LogfmtLoggerFinder extends System.LoggerFinder {
    private static volatile Level threshold = Level.INFO;

    /** Sets the lowest level that is written. */
    public static void setThreshold(Level level) {
        threshold = level;
    }

    static Level threshold() {
        return threshold;
    }

    @Override
    public Logger getLogger(String name, Module module) {
        return new LogfmtLogger(name);
    }
}
