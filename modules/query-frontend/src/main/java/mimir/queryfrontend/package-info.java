/**
 * The query-frontend. A range query goes, in Mimir's middleware order: blocked queries and expression
 * size, {@code max_query_lookback} (clamp, or an empty answer), {@code max_total_query_length}, step
 * alignment, {@code @ start()}/{@code @ end()} fixed to the whole query, split by interval, per part the
 * results cache or the query-scheduler, merge. Limits of a federated query combine as in Mimir
 * ({@link mimir.queryfrontend.TenantLimits}).
 *
 * <p>Design rules: the querier's Prometheus JSON is the only wire format between querier and frontend
 * in a process; the frontend re-encodes only what it merged and hands every other response through
 * byte for byte. Every wait for the querier has a deadline, and ending a wait early cancels the
 * scheduled request. Cache keys start with the tenant (the {@code |}-joined tenants of a federated
 * query), so tenants never share entries.
 */
package mimir.queryfrontend;
