package mimir.otlp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a translation did.
 *
 * @param acceptedDataPoints OTLP data points translated into series samples
 * @param rejectedDataPoints OTLP data points of metrics that were not translated
 * @param rejections         one message per rejected metric, naming it and saying why
 */
public record OtlpResult(int acceptedDataPoints, int rejectedDataPoints, List<String> rejections) {
    public OtlpResult {
        if (acceptedDataPoints < 0 || rejectedDataPoints < 0) {
            throw new IllegalArgumentException("data point counts must not be negative");
        }
        rejections = List.copyOf(requireNonNull(rejections, "rejections is null"));
    }

    /** True when nothing was rejected. */
    public boolean fullyAccepted() {
        return rejectedDataPoints == 0 && rejections.isEmpty();
    }
}
