package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SeriesSet;
import mimir.promql.engine.QueryException;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.StoreGatewayRpcException;
import mimir.tsdb.MergeQuerier;
import mimir.tsdb.block.Ulid;

/**
 * One query's view of a tenant's blocks through the store-gateways, Mimir's
 * {@code blocksStoreQuerier.queryWithConsistencyCheck}: every call (select, label names, label values)
 * is answered from every block the query needs, or fails.
 *
 * <p>Per call, each block goes to one replica that holds it ({@link StoreGateways#replicas}): the
 * in-process store-gateway when it is one (read directly, nothing copied), otherwise the replica with
 * the fewest blocks of this call so far, so that the blocks spread over the store-gateways; ties go
 * to a replica chosen by the block ID. The store-gateways are asked in parallel. Blocks a
 * store-gateway reports not queried, and all blocks of a store-gateway whose call failed, are asked
 * again of another replica not tried yet for that block, up to {@value #MAX_ATTEMPTS} attempts in all
 * (Mimir's {@code maxFetchSeriesAttempts}). Blocks still missing make the source re-read the bucket (a
 * block may have been compacted into another, or deleted) and ask once more for what the fresh list
 * still needs; what is missing then fails the call with Mimir's consistency-check error, naming the
 * blocks and each store-gateway failure. A request a store-gateway refuses as invalid fails the call
 * at once: every replica would refuse it.
 *
 * <p>Every store-gateway querier opened is closed with this querier, since in-process series sets read
 * their blocks until then. Not thread-safe, like every {@link Querier}.
 */
final class BlocksStoreQuerier implements Querier {
    static final int MAX_ATTEMPTS = 3;
    private static final System.Logger LOG = System.getLogger(BlocksStoreQuerier.class.getName());

    private final String tenant;
    private final long mint;
    private final long maxt;
    private final Set<Ulid> wanted;
    private final Supplier<Set<Ulid>> reread;
    private final StoreGateways gateways;
    private final Clock clock;
    private final ExecutorService executor;
    private final List<BlocksQuerier> opened = new ArrayList<>();
    private boolean closed;

    /**
     * @param wanted the blocks the query needs
     * @param reread the blocks it needs after re-reading the bucket
     */
    BlocksStoreQuerier(String tenant, long mint, long maxt, Set<Ulid> wanted, Supplier<Set<Ulid>> reread, StoreGateways gateways, Clock clock,
            ExecutorService executor) {
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.mint = mint;
        this.maxt = maxt;
        this.wanted = Set.copyOf(wanted);
        this.reread = requireNonNull(reread, "reread is null");
        this.gateways = requireNonNull(gateways, "gateways is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        return MergeQuerier.mergeSorted(fetch(querier -> querier.select(matchers)));
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return union(fetch(querier -> querier.labelNames(matchers)));
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return union(fetch(querier -> querier.labelValues(name, matchers)));
    }

    private static List<String> union(List<List<String>> answers) {
        if (answers.size() == 1) {
            return answers.getFirst();
        }
        TreeSet<String> all = new TreeSet<>(Labels::compareUtf8);
        answers.forEach(all::addAll);
        return List.copyOf(all);
    }

    @Override
    public void close() {
        List<BlocksQuerier> toClose;
        synchronized (opened) {
            closed = true;
            toClose = List.copyOf(opened);
            opened.clear();
        }
        // Closing releases blocks; one that fails to must not keep the others open, nor fail a query that was answered.
        for (BlocksQuerier querier : toClose) {
            try {
                querier.close();
            }
            catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing a store-gateway querier failed user=" + tenant + " err=\"" + e.getMessage() + "\"");
            }
        }
    }

    /** The answers covering every needed block, or a failure. */
    private <T> List<T> fetch(Function<BlocksQuerier, BlocksQuerier.Answer<T>> call) {
        Attempts<T> first = new Attempts<>(call);
        first.run(wanted);
        if (first.remaining.isEmpty()) {
            return first.values;
        }
        Set<Ulid> again = reread.get();
        Set<Ulid> retry = new LinkedHashSet<>();
        for (Ulid id : again) {
            if (!wanted.contains(id) || first.remaining.contains(id)) {
                retry.add(id);
            }
        }
        if (retry.isEmpty()) {
            return first.values;
        }
        Attempts<T> second = new Attempts<>(call);
        second.run(retry);
        if (!second.remaining.isEmpty()) {
            throw consistencyCheckFailed(second);
        }
        List<T> values = new ArrayList<>(first.values);
        values.addAll(second.values);
        return values;
    }

    private QueryException consistencyCheckFailed(Attempts<?> attempts) {
        StringBuilder message = new StringBuilder("failed to fetch series from the object storage: consistency check failed because some blocks were "
                + "not queried: ").append(attempts.remaining.stream().map(Ulid::toString).sorted().collect(Collectors.joining(", ")))
                .append(" (err-mimir-store-consistency-check-failed)");
        if (!attempts.failures.isEmpty()) {
            message.append("; store-gateway failures: ").append(String.join("; ", attempts.failures));
        }
        Set<Ulid> withoutReplica = new TreeSet<>(attempts.withoutReplica);
        withoutReplica.retainAll(attempts.remaining);
        if (!withoutReplica.isEmpty()) {
            message.append("; no ACTIVE store-gateway left to ask for ").append(withoutReplica.stream().map(Ulid::toString)
                    .collect(Collectors.joining(", "))).append(" in ").append(gateways.describe());
        }
        return QueryException.execution(message.toString());
    }

    /** Up to {@link #MAX_ATTEMPTS} rounds of asking replicas for some blocks. */
    private final class Attempts<T> {
        private final Function<BlocksQuerier, BlocksQuerier.Answer<T>> call;
        private final List<T> values = new ArrayList<>();
        private final Map<Ulid, Set<String>> tried = new HashMap<>();
        private final List<String> failures = new ArrayList<>();
        private final Set<Ulid> withoutReplica = new TreeSet<>();
        private Set<Ulid> remaining = Set.of();

        Attempts(Function<BlocksQuerier, BlocksQuerier.Answer<T>> call) {
            this.call = call;
        }

        void run(Set<Ulid> blocks) {
            remaining = new TreeSet<>(blocks);
            for (int attempt = 1; attempt <= MAX_ATTEMPTS && !remaining.isEmpty(); attempt++) {
                Map<StoreGateways.Replica, Set<Ulid>> groups = assign(remaining);
                if (groups.isEmpty()) {
                    return;
                }
                Set<Ulid> next = new TreeSet<>(remaining);
                groups.values().forEach(next::removeAll);
                Map<StoreGateways.Replica, Future<BlocksQuerier.Answer<T>>> calls = new LinkedHashMap<>();
                for (Map.Entry<StoreGateways.Replica, Set<Ulid>> group : groups.entrySet()) {
                    group.getValue().forEach(id -> tried.computeIfAbsent(id, k -> new HashSet<>()).add(group.getKey().id()));
                    calls.put(group.getKey(), groups.size() == 1 ? null : executor.submit(() -> ask(group.getKey(), group.getValue())));
                }
                for (Map.Entry<StoreGateways.Replica, Future<BlocksQuerier.Answer<T>>> entry : calls.entrySet()) {
                    Set<Ulid> group = groups.get(entry.getKey());
                    try {
                        BlocksQuerier.Answer<T> answer = entry.getValue() == null ? ask(entry.getKey(), group) : await(entry.getValue());
                        values.add(answer.value());
                        for (Ulid id : answer.notQueried()) {
                            if (group.contains(id)) {
                                next.add(id);
                            }
                        }
                    }
                    catch (StoreGatewayRpcException e) {
                        if (e.invalidRequest()) {
                            throw QueryException.execution("failed to fetch series from the object storage: " + e.getMessage());
                        }
                        LOG.log(Level.WARNING, "store-gateway call failed, retrying its blocks on other replicas user=" + tenant + " store_gateway="
                                + entry.getKey() + " blocks=" + group.size() + " err=\"" + e.getMessage() + "\"");
                        failures.add(entry.getKey().id() + ": " + e.getMessage());
                        next.addAll(group);
                    }
                }
                remaining = next;
            }
        }

        private BlocksQuerier.Answer<T> await(Future<BlocksQuerier.Answer<T>> future) {
            try {
                return future.get();
            }
            catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw QueryException.execution("interrupted while fetching series from the object storage");
            }
        }

        private BlocksQuerier.Answer<T> ask(StoreGateways.Replica replica, Set<Ulid> blocks) {
            BlocksQuerier querier = gateways.client(replica).querier(tenant, blocks, mint, maxt);
            synchronized (opened) {
                if (closed) {
                    querier.close();
                    throw new IllegalStateException("querier is closed");
                }
                opened.add(querier);
            }
            return call.apply(querier);
        }

        /** Each block to one replica not tried for it yet: the in-process one if it is a replica, else the least loaded. */
        private Map<StoreGateways.Replica, Set<Ulid>> assign(Set<Ulid> blocks) {
            Map<StoreGateways.Replica, Set<Ulid>> groups = new LinkedHashMap<>();
            long now = clock.millis();
            for (Ulid id : blocks) {
                Set<String> excluded = tried.getOrDefault(id, Set.of());
                List<StoreGateways.Replica> candidates = new ArrayList<>();
                for (StoreGateways.Replica replica : gateways.replicas(id, now)) {
                    if (!excluded.contains(replica.id())) {
                        candidates.add(replica);
                    }
                }
                if (candidates.isEmpty()) {
                    withoutReplica.add(id);
                    continue;
                }
                StoreGateways.Replica chosen = null;
                int start = Math.floorMod(Long.hashCode(id.low()), candidates.size());
                for (int i = 0; i < candidates.size(); i++) {
                    StoreGateways.Replica candidate = candidates.get((start + i) % candidates.size());
                    if (candidate.local()) {
                        chosen = candidate;
                        break;
                    }
                    if (chosen == null || load(groups, candidate) < load(groups, chosen)) {
                        chosen = candidate;
                    }
                }
                groups.computeIfAbsent(chosen, k -> new LinkedHashSet<>()).add(id);
            }
            return groups;
        }

        private static int load(Map<StoreGateways.Replica, Set<Ulid>> groups, StoreGateways.Replica replica) {
            Set<Ulid> group = groups.get(replica);
            return group == null ? 0 : group.size();
        }
    }
}
