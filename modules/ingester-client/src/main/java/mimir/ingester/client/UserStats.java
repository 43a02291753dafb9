package mimir.ingester.client;

/**
 * A tenant's ingestion statistics, the body of {@code /api/v1/user_stats}.
 *
 * @param ingestionRate     samples per second over all sources
 * @param numSeries         series in memory
 * @param apiIngestionRate  samples per second pushed through the API
 * @param ruleIngestionRate samples per second written by the ruler
 */
public record UserStats(double ingestionRate, long numSeries, double apiIngestionRate, double ruleIngestionRate) {}
