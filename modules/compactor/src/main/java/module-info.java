/**
 * The {@code compactor} component: per tenant, merges the blocks of each range of
 * {@code -compactor.block-ranges} (deduplicating the samples that overlapping blocks share), marks the
 * merged blocks for deletion and deletes them {@code -compactor.deletion-delay} later, applies
 * {@code compactor_blocks_retention_period}, removes partial blocks, deletes tenants on request, and
 * writes each tenant's {@code bucket-index.json.gz}. Several compactors share the jobs and the tenants'
 * cleanup through the compactor ring ({@code -compactor.ring.*}, page {@code /compactor/ring}). Found by
 * the launcher through {@link mimir.spi.ComponentProvider}.
 */
module mimir.compactor {
    requires dagger;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.bucket;
    requires mimir.ring;
    requires mimir.spi;
    requires mimir.tsdb;

    provides mimir.spi.ComponentProvider with mimir.compactor.CompactorProvider;
}
