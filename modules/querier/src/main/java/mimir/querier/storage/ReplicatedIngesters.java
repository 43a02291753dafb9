package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.ring.InstanceDesc;
import mimir.ring.Operation;
import mimir.ring.ReplicationSet;
import mimir.ring.Ring;
import mimir.ring.RingClient;
import mimir.ring.RingException;
import mimir.tsdb.MergeQuerier;

/**
 * The ingesters of the ring as one {@link IngesterClient} for reads, Mimir's querier behaviour: every
 * ingester healthy for reads is asked in parallel, up to the replication set's {@code maxErrors} of
 * them may fail, and the replicas' answers are merged (series with equal labels become one, samples
 * with equal timestamps are kept once). More failures fail the query: never a silent partial answer.
 * When this process's ingester is the ring's only instance, it is read directly (in-process, nothing
 * copied); otherwise the answers of remote ingesters are read to the end before merging, so that a
 * replica failing mid-stream counts as a failed replica rather than a truncated series.
 */
public final class ReplicatedIngesters implements IngesterClient {
    private final RingClient ring;
    private final Optional<IngesterClient> local;
    private final Function<String, IngesterClient> remote;
    private final Clock clock;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ToIntFunction<String> shardSize;
    private final Function<String, Duration> lookback;

    public ReplicatedIngesters(RingClient ring, Optional<IngesterClient> local, Function<String, IngesterClient> remote, Clock clock) {
        this(ring, local, remote, clock, tenant -> 0, tenant -> Duration.ZERO);
    }

    /**
     * @param shardSize the tenant's {@code ingestion_tenant_shard_size} (0: no shuffle sharding): a tenant's
     *                  reads go to its shuffle shard of the ring, as its writes do
     * @param lookback  how far back the tenant's reads reach the ingesters ({@code query_ingesters_within}):
     *                  while an ingester registered within it, the tenant's reads go to the whole ring
     */
    public ReplicatedIngesters(RingClient ring, Optional<IngesterClient> local, Function<String, IngesterClient> remote, Clock clock,
            ToIntFunction<String> shardSize, Function<String, Duration> lookback) {
        this.shardSize = requireNonNull(shardSize, "shardSize is null");
        this.lookback = requireNonNull(lookback, "lookback is null");
        this.ring = requireNonNull(ring, "ring is null");
        this.local = requireNonNull(local, "local is null");
        this.remote = requireNonNull(remote, "remote is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private boolean isLocal(InstanceDesc instance) {
        return local.isPresent() && instance.id().equals(ring.settings().instanceId());
    }

    private IngesterClient client(InstanceDesc instance) {
        return isLocal(instance) ? local.get() : remote.apply(instance.addr());
    }

    /** The local ingester alone, if it is the ring's only instance. */
    private Optional<IngesterClient> sole() {
        Ring snapshot = ring.ring();
        return local.isPresent() && snapshot.soleOwner(ring.settings().instanceId(), Operation.READ, clock.millis()) ? local : Optional.empty();
    }

    /** The ingesters holding the tenant's recent data: its shuffle shard (with lookback), else the whole ring. */
    private Ring shard(String tenant) {
        long now = clock.millis();
        return ring.ring().shuffleShardWithLookback(tenant, shardSize.applyAsInt(tenant), lookback.apply(tenant), now);
    }

    private ReplicationSet readSet(String tenant) {
        try {
            return shard(tenant).forOperation(Operation.READ, clock.millis());
        }
        catch (RingException e) {
            throw new IllegalStateException("cannot query the ingesters: " + e.getMessage() + " (ingester ring; see /ingester/ring)", e);
        }
    }

    /** Runs {@code call} on every ingester of the read set; tolerates {@code maxErrors} failures. */
    private <T> List<T> onAll(String tenant, String what, Function<IngesterClient, T> call) {
        ReplicationSet set = readSet(tenant);
        Map<InstanceDesc, Future<T>> futures = new LinkedHashMap<>();
        for (InstanceDesc instance : set.instances()) {
            Callable<T> task = () -> call.apply(client(instance));
            futures.put(instance, calls.submit(task));
        }
        List<T> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<InstanceDesc, Future<T>> e : futures.entrySet()) {
            try {
                results.add(e.getValue().get());
            }
            catch (ExecutionException ex) {
                failures.add(e.getKey().id() + " (" + e.getKey().addr() + "): " + ex.getCause().getMessage());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(what + " interrupted", ex);
            }
        }
        if (failures.size() > set.maxErrors()) {
            throw new IllegalStateException(what + ": " + failures.size() + " of " + set.instances().size() + " ingesters failed, at most "
                    + set.maxErrors() + " may: " + String.join("; ", failures));
        }
        return results;
    }

    @Override
    public PushResult push(String tenant, WriteBatch batch) {
        throw new UnsupportedOperationException("the querier reads ingesters, it does not push to them");
    }

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        Optional<IngesterClient> sole = sole();
        if (sole.isPresent()) {
            return sole.get().querier(tenant, mint, maxt);
        }
        return new ReplicatedQuerier(tenant, mint, maxt);
    }

    @Override
    public List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric) {
        Optional<IngesterClient> sole = sole();
        if (sole.isPresent()) {
            return sole.get().metricsMetadata(tenant, metric, limit, limitPerMetric);
        }
        Map<String, List<MetricMetadata>> byMetric = new LinkedHashMap<>();
        for (List<MetricMetadata> answer : onAll(tenant, "metadata", c -> c.metricsMetadata(tenant, metric, limit, limitPerMetric))) {
            for (MetricMetadata entry : answer) {
                List<MetricMetadata> entries = byMetric.computeIfAbsent(entry.metricFamilyName(), k -> new ArrayList<>());
                if (!entries.contains(entry) && (limitPerMetric < 0 || entries.size() < limitPerMetric)) {
                    entries.add(entry);
                }
            }
        }
        List<MetricMetadata> out = new ArrayList<>();
        int metrics = 0;
        for (List<MetricMetadata> entries : byMetric.values()) {
            if (limit >= 0 && metrics++ >= limit) {
                break;
            }
            out.addAll(entries);
        }
        return out;
    }

    @Override
    public List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets) {
        Optional<IngesterClient> sole = sole();
        if (sole.isPresent()) {
            return sole.get().queryExemplars(tenant, start, end, matcherSets);
        }
        Map<Labels, List<ExemplarSeries.Exemplar>> bySeries = new java.util.TreeMap<>();
        for (List<ExemplarSeries> answer : onAll(tenant, "exemplars", c -> c.queryExemplars(tenant, start, end, matcherSets))) {
            for (ExemplarSeries series : answer) {
                List<ExemplarSeries.Exemplar> merged = bySeries.computeIfAbsent(series.seriesLabels(), k -> new ArrayList<>());
                for (ExemplarSeries.Exemplar exemplar : series.exemplars()) {
                    if (!merged.contains(exemplar)) {
                        merged.add(exemplar);
                    }
                }
            }
        }
        List<ExemplarSeries> out = new ArrayList<>();
        bySeries.forEach((labels, exemplars) -> {
            exemplars.sort(java.util.Comparator.comparingLong(ExemplarSeries.Exemplar::timestamp));
            out.add(new ExemplarSeries(labels, exemplars));
        });
        return out;
    }

    /** Summed over the ingesters and divided by the replication factor, as Mimir's distributor does. */
    @Override
    public UserStats userStats(String tenant) {
        Optional<IngesterClient> sole = sole();
        if (sole.isPresent()) {
            return sole.get().userStats(tenant);
        }
        double rate = 0;
        double apiRate = 0;
        double ruleRate = 0;
        long series = 0;
        for (UserStats stats : onAll(tenant, "user stats", c -> c.userStats(tenant))) {
            rate += stats.ingestionRate();
            apiRate += stats.apiIngestionRate();
            ruleRate += stats.ruleIngestionRate();
            series += stats.numSeries();
        }
        int rf = Math.max(1, shard(tenant).effectiveReplicationFactor());
        return new UserStats(rate / rf, series / rf, apiRate / rf, ruleRate / rf);
    }

    /** On every ingester of the ring; any failure fails the deletion (a replica left out would serve the samples again). */
    @Override
    public void deleteSeries(String tenant, long start, long end, List<List<Matcher>> matcherSets) throws IOException {
        List<String> failures = new ArrayList<>();
        for (InstanceDesc instance : ring.ring().instances()) {
            try {
                client(instance).deleteSeries(tenant, start, end, matcherSets);
            }
            catch (IOException | RuntimeException e) {
                failures.add(instance.id() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("deleting series failed on " + failures.size() + " ingester(s): " + String.join("; ", failures));
        }
    }

    /** Closes the executor; the clients belong to their owners. */
    public void close() {
        calls.shutdownNow();
    }

    /** A query over the read set, each replica's answer read fully, then merged. */
    private final class ReplicatedQuerier implements Querier {
        private final String tenant;
        private final long mint;
        private final long maxt;

        ReplicatedQuerier(String tenant, long mint, long maxt) {
            this.tenant = tenant;
            this.mint = mint;
            this.maxt = maxt;
        }

        @Override
        public SeriesSet select(boolean sorted, List<Matcher> matchers) {
            List<BufferedQuerier> answers = onAll(tenant, "query", client -> {
                try (Querier querier = client.querier(tenant, mint, maxt)) {
                    return BufferedQuerier.read(querier.select(true, matchers));
                }
            });
            return new MergeQuerier(answers).select(sorted, matchers);
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            TreeSet<String> names = new TreeSet<>();
            onAll(tenant, "label names", client -> {
                try (Querier querier = client.querier(tenant, mint, maxt)) {
                    return querier.labelNames(matchers);
                }
            }).forEach(names::addAll);
            return List.copyOf(names);
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            TreeSet<String> values = new TreeSet<>();
            onAll(tenant, "label values", client -> {
                try (Querier querier = client.querier(tenant, mint, maxt)) {
                    return querier.labelValues(name, matchers);
                }
            }).forEach(values::addAll);
            return List.copyOf(values);
        }

        @Override
        public void close() {
        }
    }

    /** One replica's series, read to the end: labels and samples in arrays, sorted by labels. */
    static final class BufferedQuerier implements Querier {
        private final List<Labels> labels = new ArrayList<>();
        private final List<long[]> timestamps = new ArrayList<>();
        private final List<double[]> values = new ArrayList<>();

        static BufferedQuerier read(SeriesSet set) {
            BufferedQuerier out = new BufferedQuerier();
            while (set.next()) {
                SampleIterator it = set.iterator();
                long[] ts = new long[16];
                double[] vs = new double[16];
                int n = 0;
                while (it.next()) {
                    if (n == ts.length) {
                        ts = Arrays.copyOf(ts, n * 2);
                        vs = Arrays.copyOf(vs, n * 2);
                    }
                    ts[n] = it.timestamp();
                    vs[n] = it.value();
                    n++;
                }
                out.labels.add(set.labels());
                out.timestamps.add(Arrays.copyOf(ts, n));
                out.values.add(Arrays.copyOf(vs, n));
            }
            return out;
        }

        @Override
        public SeriesSet select(boolean sorted, List<Matcher> matchers) {
            return new SeriesSet() {
                private int i = -1;

                @Override
                public boolean next() {
                    return ++i < labels.size();
                }

                @Override
                public Labels labels() {
                    return labels.get(i);
                }

                @Override
                public SampleIterator iterator() {
                    return new ArrayIterator(timestamps.get(i), values.get(i));
                }
            };
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            throw new UnsupportedOperationException("buffered answers serve select only");
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            throw new UnsupportedOperationException("buffered answers serve select only");
        }

        @Override
        public void close() {
        }
    }

    private static final class ArrayIterator implements SampleIterator {
        private final long[] ts;
        private final double[] vs;
        private int i = -1;

        ArrayIterator(long[] ts, double[] vs) {
            this.ts = ts;
            this.vs = vs;
        }

        @Override
        public boolean next() {
            return ++i < ts.length;
        }

        @Override
        public boolean seek(long t) {
            if (i < 0) {
                i = 0;
            }
            while (i < ts.length && ts[i] < t) {
                i++;
            }
            return i < ts.length;
        }

        @Override
        public long timestamp() {
            return ts[i];
        }

        @Override
        public double value() {
            return vs[i];
        }
    }
}
