package mimir.promql.engine;

/**
 * What a query cost, for per-tenant limits and the API's {@code stats}.
 *
 * @param totalSamples the samples the evaluation processed, counted per step as Prometheus's
 *                     {@code totalQueryableSamples} does (a sample in 3 overlapping windows counts 3 times)
 * @param peakSamples  the most samples held in memory at once
 */
public record QueryStats(long totalSamples, long peakSamples) {}
