package mimir.model.storage;

/** Something that can open a {@link Querier} for a time range. */
@FunctionalInterface
public interface Queryable {
    /** A querier over {@code [mint, maxt]}, milliseconds inclusive. */
    Querier querier(long mint, long maxt);
}
