/**
 * The HTTP APIs the querier serves: Prometheus's {@code /api/v1} read endpoints
 * ({@link mimir.querier.api.PrometheusApi}), remote read ({@link mimir.querier.api.RemoteReadApi}) and
 * Mimir's cardinality API ({@link mimir.querier.api.CardinalityApi}). Parameters are read by
 * {@link mimir.querier.api.ApiParams} with Prometheus's rules and messages; a client's mistake is an
 * {@link mimir.querier.api.ApiException} ({@code bad_data}, 400), a failing query the engine's
 * {@code QueryException} with its error type; nothing a client sends produces a 500. A request's
 * cancellation travels in its {@link mimir.querier.api.QueryContext}.
 */
package mimir.querier.api;
