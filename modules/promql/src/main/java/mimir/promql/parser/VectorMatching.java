package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalDouble;

/**
 * How the series of two instant vectors are matched: on or ignoring {@code matchingLabels}, with a
 * cardinality, the {@code group_left}/{@code group_right} labels to copy ({@code include}), and the
 * experimental fill values for series missing on one side.
 */
public record VectorMatching(Cardinality cardinality, List<String> matchingLabels, boolean on, List<String> include,
        OptionalDouble fillLeft, OptionalDouble fillRight) {
    /** Matching cardinality. */
    public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

    public VectorMatching {
        requireNonNull(cardinality, "cardinality is null");
        matchingLabels = List.copyOf(matchingLabels);
        include = List.copyOf(include);
        requireNonNull(fillLeft, "fillLeft is null");
        requireNonNull(fillRight, "fillRight is null");
    }

    public VectorMatching withCardinality(Cardinality cardinality) {
        return new VectorMatching(cardinality, matchingLabels, on, include, fillLeft, fillRight);
    }

    public boolean hasFill() {
        return fillLeft.isPresent() || fillRight.isPresent();
    }
}
