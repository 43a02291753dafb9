package mimir.queryscheduler;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.spi.Overrides;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The queue: one FIFO per tenant (a federated query's {@code |}-joined tenants are one queue, as in
 * Mimir) and a round robin over the tenants that have requests, so a tenant with a long backlog cannot
 * starve the others. With {@code max_queriers_per_tenant} a tenant is served only by its shard of the
 * connected queriers (rendezvous hashing of tenant and querier ID, so a shard changes little when
 * queriers come and go).
 *
 * <p>One lock guards all state; querier workers wait on one condition. A request leaves the queue when a
 * worker takes it, when the frontend cancels its future, or when the scheduler stops (503).
 */
public final class QueryScheduler implements SchedulerForFrontend, SchedulerForQuerier, Service {
    private static final System.Logger LOG = System.getLogger(QueryScheduler.class.getName());
    static final String TOO_MANY_REQUESTS = "too many outstanding requests";
    static final String SHUTTING_DOWN = "the query-scheduler is shutting down";

    private final QuerySchedulerConfig config;
    private final Overrides overrides;
    private final QuerySchedulerMetrics metrics;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition requestsQueued = lock.newCondition();
    private final Map<String, ArrayDeque<QueuedRequest>> queues = new HashMap<>();
    /** Tenants with at least one queued request, in round-robin order. */
    private final ArrayDeque<String> activeTenants = new ArrayDeque<>();
    private final Map<String, QuerierState> queriers = new HashMap<>();
    private final List<Runnable> stopListeners = new CopyOnWriteArrayList<>();
    private int running;
    private boolean stopping;
    private Thread sampler;

    @Inject
    public QueryScheduler(QuerySchedulerConfig config, Overrides overrides, QuerySchedulerMetrics metrics) {
        this.config = requireNonNull(config, "config is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        metrics.connectedQueriers(this::connectedQueriers);
    }

    @Override
    public String name() {
        return "query-scheduler";
    }

    @Override
    public void start(ServiceContext context) {
        // Mimir samples the in-flight count on a 250ms ticker into a summary.
        sampler = Thread.ofVirtual().name("query-scheduler-inflight-sampler").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    metrics.sampleInflight(inflight());
                    Thread.sleep(250);
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public void stop() throws InterruptedException {
        List<QueuedRequest> failed = new ArrayList<>();
        lock.lock();
        try {
            stopping = true;
            for (ArrayDeque<QueuedRequest> queue : queues.values()) {
                failed.addAll(queue);
                queue.clear();
            }
            activeTenants.clear();
            queues.keySet().forEach(tenant -> metrics.queueLength(tenant, 0));
            requestsQueued.signalAll();
        }
        finally {
            lock.unlock();
        }
        // Complete outside the lock: the frontend's callbacks run on this thread.
        for (QueuedRequest request : failed) {
            request.future.completeExceptionally(new HttpException(503, SHUTTING_DOWN));
        }
        if (!failed.isEmpty()) {
            LOG.log(Level.INFO, "query-scheduler stopped with queued requests failed=" + failed.size());
        }
        for (Runnable listener : stopListeners) {
            try {
                listener.run();
            }
            catch (RuntimeException e) {
                LOG.log(Level.WARNING, "query-scheduler stop listener failed err=\"" + e + "\"");
            }
        }
        if (sampler != null) {
            sampler.interrupt();
            sampler.join(Duration.ofSeconds(5));
        }
    }

    /**
     * Runs {@code listener} when the scheduler stops, after its queued requests failed with 503: the gRPC
     * services end their streams then. Called while the module is created.
     */
    void onStop(Runnable listener) {
        stopListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** True once {@link #stop} began: enqueues fail with 503 and querier workers get nothing. */
    boolean stopping() {
        lock.lock();
        try {
            return stopping;
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<HttpResponse> enqueue(String tenant, HttpRequest request) {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(request, "request is null");
        QueuedRequest queued;
        lock.lock();
        try {
            if (stopping) {
                throw new HttpException(503, SHUTTING_DOWN);
            }
            ArrayDeque<QueuedRequest> queue = queues.computeIfAbsent(tenant, t -> new ArrayDeque<>());
            if (queue.size() >= config.maxOutstandingRequestsPerTenant()) {
                metrics.discarded(tenant);
                throw new HttpException(429, TOO_MANY_REQUESTS);
            }
            queued = new QueuedRequest(tenant, request, System.nanoTime());
            if (queue.isEmpty()) {
                activeTenants.addLast(tenant);
            }
            queue.addLast(queued);
            metrics.queueLength(tenant, queue.size());
            requestsQueued.signalAll();
        }
        finally {
            lock.unlock();
        }
        queued.future.whenComplete((response, failure) -> {
            if (queued.future.isCancelled()) {
                cancelled(queued);
            }
        });
        return queued.future;
    }

    @Override
    public Optional<ScheduledRequest> next(String querierId, Duration timeout) throws InterruptedException {
        requireNonNull(querierId, "querierId is null");
        long remaining = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            QuerierState querier = queriers.computeIfAbsent(querierId, id -> new QuerierState());
            while (true) {
                if (stopping || querier.shutdown) {
                    return Optional.empty();
                }
                QueuedRequest request = dequeueFor(querierId);
                if (request != null) {
                    request.state = State.RUNNING;
                    running++;
                    Duration queueTime = Duration.ofNanos(System.nanoTime() - request.enqueuedNanos);
                    request.queueTime = queueTime;
                    metrics.queueDuration(queueTime);
                    return Optional.of(request);
                }
                if (remaining <= 0) {
                    return Optional.empty();
                }
                remaining = requestsQueued.awaitNanos(remaining);
            }
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public void notifyQuerierShutdown(String querierId) {
        lock.lock();
        try {
            QuerierState querier = queriers.remove(querierId);
            if (querier != null) {
                querier.shutdown = true;
                requestsQueued.signalAll();
                LOG.log(Level.INFO, "querier shutting down querier=" + querierId);
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Takes the first request of the first tenant in round-robin order that this querier may serve. */
    private QueuedRequest dequeueFor(String querierId) {
        for (int i = 0, n = activeTenants.size(); i < n; i++) {
            String tenant = activeTenants.pollFirst();
            ArrayDeque<QueuedRequest> queue = queues.get(tenant);
            if (!servedBy(tenant, querierId)) {
                activeTenants.addLast(tenant);
                continue;
            }
            QueuedRequest request = queue.pollFirst();
            if (!queue.isEmpty()) {
                activeTenants.addLast(tenant);
            }
            metrics.queueLength(tenant, queue.size());
            return request;
        }
        return null;
    }

    /** True if the tenant's querier shard, of {@code max_queriers_per_tenant} queriers, includes the querier. */
    private boolean servedBy(String tenant, String querierId) {
        int shardSize = maxQueriers(tenant);
        if (shardSize <= 0 || shardSize >= queriers.size()) {
            return true;
        }
        long own = rendezvous(tenant, querierId);
        int better = 0;
        for (String other : queriers.keySet()) {
            if (!other.equals(querierId)) {
                long score = rendezvous(tenant, other);
                if (score > own || (score == own && other.compareTo(querierId) < 0)) {
                    better++;
                    if (better >= shardSize) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The smallest positive limit over the tenants of a federated queue, as Mimir does. */
    private int maxQueriers(String tenant) {
        int smallest = 0;
        for (String id : tenant.split("\\|")) {
            int limit = overrides.forTenant(id).maxQueriersPerTenant();
            if (limit > 0 && (smallest == 0 || limit < smallest)) {
                smallest = limit;
            }
        }
        return smallest;
    }

    private static long rendezvous(String tenant, String querierId) {
        // FNV-1a over "tenant\0querier", then a 64-bit finalizer so nearby IDs spread.
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < tenant.length(); i++) {
            hash = (hash ^ tenant.charAt(i)) * 0x100000001b3L;
        }
        hash *= 0x100000001b3L;
        for (int i = 0; i < querierId.length(); i++) {
            hash = (hash ^ querierId.charAt(i)) * 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        return hash;
    }

    private void cancelled(QueuedRequest request) {
        List<Runnable> actions;
        lock.lock();
        try {
            if (request.state == State.QUEUED) {
                ArrayDeque<QueuedRequest> queue = queues.get(request.tenant);
                if (queue != null && queue.remove(request)) {
                    if (queue.isEmpty()) {
                        activeTenants.remove(request.tenant);
                    }
                    metrics.queueLength(request.tenant, queue.size());
                }
                request.state = State.DONE;
                return;
            }
            if (request.state != State.RUNNING) {
                return;
            }
            finish(request);
            actions = List.copyOf(request.cancelActions);
            request.cancelActions.clear();
        }
        finally {
            lock.unlock();
        }
        for (Runnable action : actions) {
            runCancelAction(action);
        }
    }

    /** Marks a running request done; the caller holds the lock. */
    private void finish(QueuedRequest request) {
        if (request.state == State.RUNNING) {
            running--;
        }
        request.state = State.DONE;
    }

    private static void runCancelAction(Runnable action) {
        try {
            action.run();
        }
        catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cancel action of a query request failed err=\"" + e + "\"");
        }
    }

    /** Queued plus running requests. */
    int inflight() {
        lock.lock();
        try {
            int queued = 0;
            for (ArrayDeque<QueuedRequest> queue : queues.values()) {
                queued += queue.size();
            }
            return queued + running;
        }
        finally {
            lock.unlock();
        }
    }

    int connectedQueriers() {
        lock.lock();
        try {
            return queriers.size();
        }
        finally {
            lock.unlock();
        }
    }

    private enum State { QUEUED, RUNNING, DONE }

    private static final class QuerierState {
        boolean shutdown;
    }

    /** A request from queueing to completion; its mutable fields are guarded by the scheduler's lock. */
    private final class QueuedRequest implements ScheduledRequest {
        final String tenant;
        final HttpRequest request;
        final long enqueuedNanos;
        final CompletableFuture<HttpResponse> future = new CompletableFuture<>();
        final List<Runnable> cancelActions = new ArrayList<>();
        State state = State.QUEUED;
        Duration queueTime = Duration.ZERO;

        QueuedRequest(String tenant, HttpRequest request, long enqueuedNanos) {
            this.tenant = tenant;
            this.request = request;
            this.enqueuedNanos = enqueuedNanos;
        }

        @Override
        public String tenant() {
            return tenant;
        }

        @Override
        public HttpRequest request() {
            return request;
        }

        @Override
        public Duration queueTime() {
            lock.lock();
            try {
                return queueTime;
            }
            finally {
                lock.unlock();
            }
        }

        @Override
        public boolean cancelled() {
            return future.isCancelled();
        }

        @Override
        public void onCancel(Runnable action) {
            requireNonNull(action, "action is null");
            lock.lock();
            try {
                if (!future.isCancelled()) {
                    cancelActions.add(action);
                    return;
                }
            }
            finally {
                lock.unlock();
            }
            runCancelAction(action);
        }

        @Override
        public void complete(HttpResponse response) {
            requireNonNull(response, "response is null");
            done();
            future.complete(response);
        }

        @Override
        public void fail(Throwable failure) {
            requireNonNull(failure, "failure is null");
            done();
            future.completeExceptionally(failure);
        }

        private void done() {
            lock.lock();
            try {
                finish(this);
                cancelActions.clear();
            }
            finally {
                lock.unlock();
            }
        }
    }
}
