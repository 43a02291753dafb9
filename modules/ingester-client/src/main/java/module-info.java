/**
 * The ingester's client module: the {@link mimir.ingester.client.IngesterClient} interface the
 * distributor (push) and the querier (reads) call, with its request and response types. In one process
 * the ingester registers its in-process implementation through {@code mimir.spi.LocalInstances}, so a
 * push hands over the distributor's decoded batch without serialization; the gRPC implementation for
 * ingesters in other processes belongs here too. Carries no ingester code, so an image can have the
 * client without the component.
 */
module mimir.ingester.client {
    requires transitive mimir.model;

    exports mimir.ingester.client;
}
