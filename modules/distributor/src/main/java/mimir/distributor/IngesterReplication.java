package mimir.distributor;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.ring.InstanceDesc;
import mimir.ring.Operation;
import mimir.ring.Ring;
import mimir.ring.RingClient;
import mimir.ring.ShardHash;

/**
 * Writes a validated batch to the ingesters that own its series, Mimir's classic write path: each
 * series goes to the replicas the ingester ring gives for its hash (tenant and labels), and the push
 * succeeds when every series reached a quorum of its replicas ({@code max(RF, replicas)/2 + 1}).
 * Replicas are written in parallel; the ingester of this process, if it is one of them, is called
 * in-process. When this process's ingester is the ring's only instance, the whole batch goes to it
 * directly, without hashing: the zero-copy monolith.
 *
 * <p>Errors as in Mimir: if a series misses its quorum, the push fails with the status of a failed
 * replica, a 4xx from any replica before a 5xx. Partial refusals (out-of-order samples, ...) are
 * reported by every replica alike; the counts of accepted samples are those of the replicas scaled to
 * one copy of each series.
 */
final class IngesterReplication {
    private final RingClient ring;
    private final Optional<IngesterClient> local;
    private final Function<String, IngesterClient> remote;
    private final Clock clock;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param local  the ingester of this process, if it runs one (registered under the ring's instance ID)
     * @param remote the client of an ingester at a ring address
     */
    IngesterReplication(RingClient ring, Optional<IngesterClient> local, Function<String, IngesterClient> remote, Clock clock) {
        this.ring = requireNonNull(ring, "ring is null");
        this.local = requireNonNull(local, "local is null");
        this.remote = requireNonNull(remote, "remote is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private String localId() {
        return ring.settings().instanceId();
    }

    private IngesterClient client(InstanceDesc instance) {
        if (local.isPresent() && instance.id().equals(localId())) {
            return local.get();
        }
        return remote.apply(instance.addr());
    }

    /**
     * @param shardSize the tenant's {@code ingestion_tenant_shard_size}: its series go to the replicas
     *                  within its shuffle shard of that many ingesters (0: the whole ring)
     */
    PushResult push(String tenant, int shardSize, WriteBatch batch) throws IngesterException {
        Ring snapshot = ring.ring().shuffleShard(tenant, shardSize);
        long now = clock.millis();
        if (local.isPresent() && snapshot.soleOwner(localId(), Operation.WRITE, now)) {
            return local.get().push(tenant, batch);
        }
        if (snapshot.instances().isEmpty()) {
            throw new IngesterException(500, "empty ring: no ingester is registered in the ingester ring (-ingester.ring.store="
                    + "the store the ingesters use; check /ingester/ring)");
        }
        // Per instance: its part of the batch and, per series of the original batch, whether it got it.
        Map<InstanceDesc, Part> parts = new HashMap<>();
        Map<InstanceDesc, Boolean> healthy = new HashMap<>();
        int[] needed = new int[batch.seriesCount()];
        InstanceDesc[][] replicasOf = new InstanceDesc[batch.seriesCount()][];
        for (int i = 0; i < batch.seriesCount(); i++) {
            InstanceDesc[] replicas = snapshot.replicas(ShardHash.series(tenant, batch.labels(i)));
            replicasOf[i] = replicas;
            int live = 0;
            for (InstanceDesc replica : replicas) {
                if (healthy.computeIfAbsent(replica, r -> r.isHealthy(Operation.WRITE, snapshot.heartbeatTimeout(), now))) {
                    live++;
                    parts.computeIfAbsent(replica, r -> new Part(batch.seriesCount())).add(batch, i);
                }
            }
            needed[i] = snapshot.minSuccess(replicas.length);
            if (live < needed[i]) {
                throw new IngesterException(500, "at least " + needed[i] + " live replicas required, could only find " + live
                        + " (ingester ring: " + snapshot.instances().size() + " instances; check /ingester/ring)");
            }
        }
        for (MetricMetadata entry : batch.metadata()) {
            InstanceDesc[] replicas = snapshot.replicas(ShardHash.add(ShardHash.tenant(tenant), entry.metricFamilyName()));
            for (InstanceDesc replica : replicas) {
                if (healthy.computeIfAbsent(replica, r -> r.isHealthy(Operation.WRITE, snapshot.heartbeatTimeout(), now))) {
                    parts.computeIfAbsent(replica, r -> new Part(batch.seriesCount())).batch.addMetadata(entry);
                }
            }
        }
        // Remote parts in parallel, the local part on this thread.
        Map<InstanceDesc, CompletableFuture<PushResult>> results = new HashMap<>();
        Part localPart = null;
        InstanceDesc localInstance = null;
        for (Map.Entry<InstanceDesc, Part> e : parts.entrySet()) {
            InstanceDesc instance = e.getKey();
            Part part = e.getValue();
            part.batch.setSource(batch.source());
            if (local.isPresent() && instance.id().equals(localId())) {
                localPart = part;
                localInstance = instance;
                continue;
            }
            results.put(instance, CompletableFuture.supplyAsync(() -> {
                try {
                    return client(instance).push(tenant, part.batch);
                }
                catch (IngesterException ex) {
                    throw new java.util.concurrent.CompletionException(ex);
                }
            }, calls));
        }
        if (localPart != null) {
            CompletableFuture<PushResult> done = new CompletableFuture<>();
            try {
                done.complete(local.get().push(tenant, localPart.batch));
            }
            catch (IngesterException | RuntimeException ex) {
                done.completeExceptionally(ex);
            }
            results.put(localInstance, done);
        }
        int[] successes = new int[batch.seriesCount()];
        Map<InstanceDesc, Throwable> failures = new HashMap<>();
        long acceptedSamples = 0;
        long acceptedExemplars = 0;
        long sentSamples = 0;
        long sentExemplars = 0;
        long rejected = 0;
        Optional<PushResult.PushError> firstError = Optional.empty();
        for (Map.Entry<InstanceDesc, CompletableFuture<PushResult>> e : results.entrySet()) {
            Part part = parts.get(e.getKey());
            PushResult result;
            try {
                result = e.getValue().get();
            }
            catch (ExecutionException ex) {
                failures.put(e.getKey(), ex.getCause());
                continue;
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IngesterException(503, "push interrupted");
            }
            for (int i = 0; i < part.has.length; i++) {
                if (part.has[i]) {
                    successes[i]++;
                }
            }
            acceptedSamples += result.acceptedSamples();
            acceptedExemplars += result.acceptedExemplars();
            rejected += result.rejectedSamples();
            sentSamples += part.batch.sampleCount();
            sentExemplars += part.batch.exemplarCount();
            if (firstError.isEmpty() || result.firstError().isPresent() && result.firstError().get().httpStatus() / 100 == 4
                    && firstError.get().httpStatus() / 100 != 4) {
                firstError = result.firstError().isPresent() ? result.firstError() : firstError;
            }
        }
        for (int i = 0; i < successes.length; i++) {
            if (successes[i] < needed[i]) {
                throw failure(failures, replicasOf[i], batch.labels(i).toString());
            }
        }
        return new PushResult(scale(acceptedSamples, batch.sampleCount(), sentSamples), scale(rejected, batch.sampleCount(), sentSamples),
                scale(acceptedExemplars, batch.exemplarCount(), sentExemplars), firstError);
    }

    /** A count over every replica's part, scaled to one copy of the batch. */
    private static int scale(long count, int total, long sent) {
        return sent == 0 ? 0 : (int) Math.min(total, Math.round(count * (double) total / sent));
    }

    private static IngesterException failure(Map<InstanceDesc, Throwable> failures, InstanceDesc[] replicas, String series) {
        IngesterException chosen = null;
        for (InstanceDesc replica : replicas) {
            Throwable cause = failures.get(replica);
            IngesterException e = cause instanceof IngesterException ie ? ie
                    : cause == null ? null : new IngesterException(500, "failed pushing to ingester " + replica.id() + " (" + replica.addr() + "): " + cause.getMessage(), cause);
            if (e != null && (chosen == null || e.httpStatus() / 100 == 4 && chosen.httpStatus() / 100 != 4)) {
                chosen = e;
            }
        }
        return chosen != null ? chosen : new IngesterException(500, "series " + series + " reached too few ingesters");
    }

    void close() {
        calls.shutdownNow();
    }

    /** One instance's part of a batch. */
    private static final class Part {
        final WriteBatch batch = new WriteBatch();
        final boolean[] has;

        Part(int series) {
            has = new boolean[series];
        }

        void add(WriteBatch from, int series) {
            has[series] = true;
            batch.addSeries(from.labels(series), null);
            for (int s = from.sampleStart(series); s < from.sampleEnd(series); s++) {
                batch.addSample(from.timestamp(s), from.value(s));
            }
            for (int x = from.exemplarStart(series); x < from.exemplarEnd(series); x++) {
                batch.addExemplar(from.exemplarLabels(x), from.exemplarTimestamp(x), from.exemplarValue(x));
            }
        }
    }
}
