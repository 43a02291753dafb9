package mimir.spi.config;

/**
 * How prominently a setting is documented, as in Mimir's {@code -help} (basic) and {@code -help-all}
 * (everything) output.
 */
public enum Category {
    /** Shown by {@code -help}; the settings most users set. */
    BASIC,
    /** Shown by {@code -help-all} only. */
    ADVANCED,
    /** Shown by {@code -help-all} only, marked experimental; may change without notice. */
    EXPERIMENTAL
}
