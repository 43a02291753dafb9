package mimir.ruler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import mimir.distributor.client.DistributorClient;
import mimir.distributor.client.PushOutcome;
import mimir.ingester.client.WriteBatch;
import mimir.model.storage.Queryable;
import mimir.promql.engine.EngineOptions;
import mimir.promql.storage.MemoryStorage;
import mimir.querier.client.QuerierClient;

/**
 * The ruler's in-process peers for tests: a querier over one {@link MemoryStorage} per tenant and a
 * distributor that writes into the same storage, so rules read what earlier rules wrote.
 */
public final class TestingRulerPeers implements QuerierClient, DistributorClient {
    private final Map<String, MemoryStorage> tenants = new ConcurrentHashMap<>();
    private final List<String> pushes = new ArrayList<>();
    private volatile PushOutcome failWith;

    public MemoryStorage storage(String tenant) {
        return tenants.computeIfAbsent(tenant, t -> new MemoryStorage());
    }

    /** Makes every following push fail with this outcome (null: succeed again). */
    public void failPushes(PushOutcome outcome) {
        failWith = outcome;
    }

    /** The tenants of the pushes so far, in order. */
    public synchronized List<String> pushes() {
        return List.copyOf(pushes);
    }

    @Override
    public Queryable queryable(List<String> queried) {
        if (queried.size() != 1) {
            throw new IllegalArgumentException("the testing querier reads one tenant, got " + queried);
        }
        return storage(queried.getFirst());
    }

    @Override
    public EngineOptions engineOptions() {
        return EngineOptions.DEFAULTS;
    }

    @Override
    public synchronized PushOutcome push(String tenant, WriteBatch batch) {
        pushes.add(tenant);
        if (failWith != null) {
            return failWith;
        }
        MemoryStorage storage = storage(tenant);
        int samples = 0;
        synchronized (storage) {
            for (int series = 0; series < batch.seriesCount(); series++) {
                for (int i = batch.sampleStart(series); i < batch.sampleEnd(series); i++) {
                    storage.append(batch.labels(series), batch.timestamp(i), batch.value(i));
                    samples++;
                }
            }
        }
        return new PushOutcome(200, "", samples, 0);
    }
}
