/**
 * What other components call on a querier: {@link mimir.querier.client.QuerierClient}, the storage one
 * PromQL query reads (the ingesters and the store-gateways, merged, with the tenants' query limits and
 * series deletions) and the engine options of {@code -querier.*}. The querier registers its
 * implementation in the process's {@code mimir.spi.LocalInstances}; the ruler evaluates its rules
 * with its own engine over it, as Mimir's ruler does in its internal mode.
 */
module mimir.querier.client {
    requires transitive mimir.promql;

    exports mimir.querier.client;
}
