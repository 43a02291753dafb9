package mimir.promql.engine;

import java.time.Duration;

/**
 * Settings of the query engine.
 *
 * @param lookbackDelta          how far back an instant selector looks for a sample (Prometheus default 5m)
 * @param maxSamples             the most samples a query may hold in memory at once; exceeding it fails the
 *                               query with Prometheus's "too many samples" error instead of exhausting memory
 * @param timeout                the longest a query may run
 * @param defaultSubqueryStep    the step of a subquery written without one ({@code x[5m:]})
 */
public record EngineOptions(Duration lookbackDelta, long maxSamples, Duration timeout, Duration defaultSubqueryStep) {
    /** Prometheus's defaults: lookback 5m, 50 million samples, 2 minutes, subquery step 1m. */
    public static final EngineOptions DEFAULTS = new EngineOptions(Duration.ofMinutes(5), 50_000_000, Duration.ofMinutes(2),
            Duration.ofMinutes(1));

    public EngineOptions {
        if (lookbackDelta == null || lookbackDelta.isNegative() || lookbackDelta.isZero()) {
            throw new IllegalArgumentException("lookbackDelta must be positive");
        }
        if (maxSamples <= 0) {
            throw new IllegalArgumentException("maxSamples must be positive");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (defaultSubqueryStep == null || defaultSubqueryStep.isNegative() || defaultSubqueryStep.isZero()) {
            throw new IllegalArgumentException("defaultSubqueryStep must be positive");
        }
    }

    public EngineOptions withLookbackDelta(Duration lookbackDelta) {
        return new EngineOptions(lookbackDelta, maxSamples, timeout, defaultSubqueryStep);
    }

    public EngineOptions withMaxSamples(long maxSamples) {
        return new EngineOptions(lookbackDelta, maxSamples, timeout, defaultSubqueryStep);
    }

    public EngineOptions withTimeout(Duration timeout) {
        return new EngineOptions(lookbackDelta, maxSamples, timeout, defaultSubqueryStep);
    }

    public EngineOptions withDefaultSubqueryStep(Duration defaultSubqueryStep) {
        return new EngineOptions(lookbackDelta, maxSamples, timeout, defaultSubqueryStep);
    }
}
