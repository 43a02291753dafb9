/**
 * The ingester component, Mimir's {@code pkg/ingester}: {@code IngesterProvider} (the ServiceLoader
 * entry) builds {@code IngesterGraph} (Dagger), whose {@code Ingester} is both the service and the
 * in-process {@code IngesterClient}.
 *
 * <p>Design rules: one {@code TenantDb} per tenant owns everything tenant-scoped (DB, shipper,
 * exemplars, metadata, rates, meters); pushes and reads hold its read lock and only closing an idle
 * TSDB takes the write lock. The push loop allocates nothing per accepted sample: counts are kept in
 * locals and added to meters once per push. Background work (head compaction, shipping, retention,
 * idle close, rate ticks, metadata purge) is in package-private methods that tests call directly.
 */
package mimir.ingester;
