package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import mimir.ingester.client.IngesterClient;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.spi.Overrides;

/**
 * The ingesters as a source: asked only when the query reaches into the last
 * {@code query_ingesters_within} of the tenant (Mimir's {@code -querier.query-ingesters-within}, 13h by
 * default; 0 means always), since older samples have been shipped to blocks and dropped from the heads.
 */
public final class IngesterQuerySource implements QuerySource {
    private final Supplier<IngesterClient> client;
    private final Overrides overrides;
    private final Clock clock;

    /** @param client the ingester client, looked up when the first query comes (the querier's start) */
    public IngesterQuerySource(Supplier<IngesterClient> client, Overrides overrides, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name() {
        return "ingester";
    }

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        Duration within = overrides.forTenant(tenant).queryIngestersWithin();
        if (!within.isZero() && maxt < clock.millis() - within.toMillis()) {
            return EmptyQuerier.INSTANCE;
        }
        return client.get().querier(tenant, mint, maxt);
    }
}
