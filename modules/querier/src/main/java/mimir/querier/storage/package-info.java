/**
 * What a query reads. Rules of the package:
 * <ul>
 * <li>A data source is a {@link mimir.querier.storage.QuerySource}; {@link mimir.querier.storage.QuerierStorage}
 *     merges all of them per tenant with {@code mimir.tsdb}'s {@code MergeQuerier}, so the store-gateway
 *     becomes one more source in the list, not a change to the merge.</li>
 * <li>Per-tenant limits that shape the range ({@code max_query_lookback}, {@code max_partial_query_length},
 *     {@code query_ingesters_within}) apply before a source is asked; fetch limits
 *     ({@link mimir.querier.storage.QueryLimiter}) count what the merged, federated querier returns.</li>
 * <li>Counting allocates nothing per sample: a counter per iterator, limiter calls at chunk boundaries
 *     and per sample only as a primitive add and compare.</li>
 * </ul>
 */
package mimir.querier.storage;
