/**
 * What other components call on a distributor: {@link mimir.distributor.client.DistributorClient}, the
 * push of one tenant's validated write. The distributor registers its implementation in the process's
 * {@code mimir.spi.LocalInstances}; the ruler finds it there and writes recording-rule results through it.
 */
module mimir.distributor.client {
    requires transitive mimir.ingester.client;

    exports mimir.distributor.client;
}
