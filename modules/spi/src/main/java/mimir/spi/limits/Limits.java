package mimir.spi.limits;

/** Placeholder replaced by the full limits record. */
public final class Limits {
}
