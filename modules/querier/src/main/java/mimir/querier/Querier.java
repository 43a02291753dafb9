package mimir.querier;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

import mimir.bucket.BucketBlocks;
import mimir.bucket.SeriesDeletions;
import mimir.ingester.client.IngesterClient;
import mimir.model.storage.Queryable;
import mimir.promql.engine.EngineOptions;
import mimir.querier.api.CardinalityApi;
import mimir.querier.api.PrometheusApi;
import mimir.querier.api.QueryContext;
import mimir.querier.api.RemoteReadApi;
import mimir.querier.client.QuerierClient;
import mimir.querier.storage.IngesterQuerySource;
import mimir.querier.storage.QuerierStorage;
import mimir.querier.storage.QuerySource;
import mimir.querier.storage.ReplicatedIngesters;
import mimir.querier.storage.RingStoreGateways;
import mimir.querier.storage.SeriesDeletionCache;
import mimir.querier.storage.StoreGatewayQuerySource;
import mimir.queryscheduler.client.GrpcSchedulerForQuerier;
import mimir.queryscheduler.client.RingSchedulerForQuerier;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.ring.IngesterRing;
import mimir.spi.LocalInstances;
import mimir.spi.Overrides;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The querier service. Its data sources are the ingesters (through the ingester ring; the in-process
 * one looked up at start, since modules are created in no particular order) and, with a blocks
 * storage, the store-gateways of the store-gateway ring (the in-process one directly, the others over
 * gRPC), whose ring it watches while running.
 *
 * <p>Without a query-frontend in this process the querier serves the Prometheus API itself. With one,
 * the frontend serves those routes. With one, or with {@code -querier.scheduler-address} set, the querier
 * runs {@code -querier.max-concurrent} workers that take requests from the query-scheduler (the one at
 * that address over gRPC, else the one of this process), execute them through the same handler, stop
 * the engine when the frontend cancels, and deliver the response.
 */
public final class Querier implements Service, QuerierClient {
    private static final System.Logger LOG = System.getLogger(Querier.class.getName());
    static final Duration NEXT_TIMEOUT = Duration.ofSeconds(1);

    private final QuerierConfig config;
    private final Overrides overrides;
    private final LocalInstances localInstances;
    private final HttpRoutes routes;
    private final QuerierMetrics metrics;
    private final QuerierHttpApi api;
    private final PrometheusApi prometheus;
    private final String querierId;
    private final List<Thread> workers = new ArrayList<>();
    private final Optional<ObjectStore> blocksStore;
    private final Optional<RingStoreGateways> storeGateways;
    private final Optional<StoreGatewayQuerySource> blocksSource;
    private final Optional<SeriesDeletionApi> seriesDeletionApi;
    private final Function<String, IngesterClient> remoteIngesters;
    private final Clock clock;
    private volatile ReplicatedIngesters replicated;
    private volatile IngesterClient ingester;
    private volatile SchedulerForQuerier scheduler;
    private volatile GrpcSchedulerForQuerier remoteScheduler;
    private volatile boolean running;
    private volatile boolean component;
    private volatile RingSchedulerForQuerier schedulerRing;

    @Inject
    public Querier(QuerierConfig config, Overrides overrides, Clock clock, LocalInstances localInstances, HttpRoutes routes, QuerierMetrics metrics,
            Optional<ObjectStore> blocksStore, Optional<RingStoreGateways> storeGateways, Function<String, IngesterClient> remoteIngesters) {
        this.config = requireNonNull(config, "config is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.remoteIngesters = requireNonNull(remoteIngesters, "remoteIngesters is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.localInstances = requireNonNull(localInstances, "localInstances is null");
        this.routes = requireNonNull(routes, "routes is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.blocksStore = requireNonNull(blocksStore, "blocksStore is null");
        this.storeGateways = requireNonNull(storeGateways, "storeGateways is null");
        if (blocksStore.isPresent() != storeGateways.isPresent()) {
            throw new IllegalArgumentException("a querier of the blocks storage needs both the bucket and the store-gateways");
        }
        List<QuerySource> sources = new ArrayList<>();
        sources.add(new IngesterQuerySource(this::ingester, overrides, clock));
        this.blocksSource = blocksStore.map(store -> new StoreGatewayQuerySource(storeGateways.get(), new BucketBlocks(store), config.bucketStore(),
                config.queryStoreAfter(), clock, metrics.bucketIndexListener()));
        blocksSource.ifPresent(sources::add);
        Optional<SeriesDeletionCache> deletions = blocksStore.map(store -> new SeriesDeletionCache(new SeriesDeletions(store), clock));
        QuerierStorage storage = new QuerierStorage(sources, overrides, clock, deletions);
        this.seriesDeletionApi = deletions.map(cache -> new SeriesDeletionApi(config.prometheusPrefix(), cache, this::ingester, overrides, clock));
        this.prometheus = new PrometheusApi(storage, this::ingester, overrides, clock, config.engineOptions(),
                new Semaphore(config.maxConcurrent(), true), metrics::rejected);
        this.api = new QuerierHttpApi(config, prometheus, new CardinalityApi(prometheus, overrides), new RemoteReadApi(prometheus),
                new UserStatsApi(this::ingester));
        this.querierId = config.querierId().isEmpty() ? hostname() : config.querierId();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            return "querier";
        }
    }

    @Override
    public Queryable queryable(List<String> tenants) {
        return prometheus.queryable(tenants, true);
    }

    @Override
    public EngineOptions engineOptions() {
        return config.engineOptions();
    }

    /** Whether the query-frontend runs in this process and so serves the Prometheus API. */
    boolean frontendInProcess() {
        return localInstances.modules().contains("query-frontend");
    }

    /**
     * Makes this the {@code querier} component, not only the queryable: registers its routes and, at
     * start, runs its workers. Called while the component is created.
     */
    void serveAsComponent(Optional<RingSchedulerForQuerier> schedulerRing) {
        this.schedulerRing = schedulerRing.orElse(null);
        component = true;
        if (!frontendInProcess()) {
            api.registerPrometheusRoutes(routes);
        }
        api.registerUserStatsRoute(routes);
        seriesDeletionApi.ifPresent(deletion -> deletion.register(routes));
    }

    private IngesterClient ingester() {
        IngesterClient client = ingester;
        if (client == null) {
            throw new IllegalStateException("querier is not running");
        }
        return client;
    }

    @Override
    public String name() {
        return component ? "querier" : "queryable";
    }

    @Override
    public void start(ServiceContext context) throws IOException {
        if (storeGateways.isPresent()) {
            storeGateways.get().start();
        }
        IngesterRing ring = localInstances.find(IngesterRing.class).orElseThrow(() -> new IllegalStateException(
                "querier: the ingester-ring module is not running; the querier finds the ingesters through it"));
        replicated = new ReplicatedIngesters(ring.client(), localInstances.find(IngesterClient.class), remoteIngesters, clock,
                tenant -> overrides.forTenant(tenant).ingestionTenantShardSize(), tenant -> overrides.forTenant(tenant).queryIngestersWithin());
        ingester = replicated;
        running = true;
        if (!component) {
            LOG.log(Level.INFO, "queryable started (no querier component in this process)");
            return;
        }
        RingSchedulerForQuerier schedulers = schedulerRing;
        if (config.schedulerAddress().isEmpty() && schedulers != null && localInstances.find(SchedulerForQuerier.class).isEmpty()) {
            schedulers.start();
            scheduler = schedulers;
        }
        else if (!config.schedulerAddress().isEmpty()) {
            GrpcSchedulerForQuerier remote = new GrpcSchedulerForQuerier(config.schedulerAddress(), config.schedulerMaxRecvMsgSize());
            remoteScheduler = remote;
            scheduler = remote;
        }
        else if (frontendInProcess()) {
            scheduler = localInstances.find(SchedulerForQuerier.class).orElseThrow(() -> new IllegalStateException(
                    "querier: the query-frontend runs in this process but no query-scheduler does; querier workers need a query-scheduler: "
                            + "add query-scheduler to -target, or set -querier.scheduler-address to use a query-scheduler in another process"));
        }
        if (scheduler != null) {
            for (int i = 0; i < config.maxConcurrent(); i++) {
                workers.add(Thread.ofVirtual().name("querier-worker-" + i).start(this::workerLoop));
            }
        }
        LOG.log(Level.INFO, "querier started querier_id=" + querierId + " workers=" + workers.size() + " scheduler="
                + (schedulers != null && scheduler == schedulers ? "ring" : config.schedulerAddress().isEmpty() ? "in-process" : config.schedulerAddress()) + " prometheus_api=" + !frontendInProcess());
    }

    private void workerLoop() {
        while (running) {
            Optional<ScheduledRequest> next;
            try {
                next = scheduler.next(querierId, NEXT_TIMEOUT);
            }
            catch (InterruptedException e) {
                return;
            }
            catch (RuntimeException e) {
                // A scheduler hiccup must not take the process down: log, back off, ask again (as Mimir's worker does).
                LOG.log(Level.WARNING, "querier worker failed to get the next request querier_id=" + querierId + " err=\"" + e + "\"");
                try {
                    Thread.sleep(NEXT_TIMEOUT);
                }
                catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            next.ifPresent(this::execute);
        }
    }

    /** Executes one scheduled request and delivers its outcome exactly once. */
    void execute(ScheduledRequest request) {
        metrics.workerInflight().incrementAndGet();
        try {
            QueryContext queryContext = new QueryContext();
            request.onCancel(queryContext::cancel);
            HttpResponse response = api.handle(request.request(), request.tenant(), queryContext);
            request.complete(response);
        }
        catch (Throwable e) {
            request.fail(e);
        }
        finally {
            metrics.workerInflight().decrementAndGet();
        }
    }

    @Override
    public void stop() throws InterruptedException, IOException {
        running = false;
        SchedulerForQuerier current = scheduler;
        if (current != null) {
            current.notifyQuerierShutdown(querierId);
        }
        for (Thread worker : workers) {
            worker.join(NEXT_TIMEOUT.multipliedBy(2));
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(NEXT_TIMEOUT);
            }
        }
        workers.clear();
        RingSchedulerForQuerier ring = schedulerRing;
        if (ring != null) {
            ring.close();
        }
        GrpcSchedulerForQuerier remote = remoteScheduler;
        remoteScheduler = null;
        if (remote != null) {
            remote.close();
        }
        ReplicatedIngesters reads = replicated;
        if (reads != null) {
            reads.close();
        }
        blocksSource.ifPresent(StoreGatewayQuerySource::close);
        storeGateways.ifPresent(RingStoreGateways::close);
        if (blocksStore.isPresent()) {
            blocksStore.get().close();
        }
    }

    /** The handler, for tests that call it the way a worker does. */
    HttpResponse handle(mimir.spi.http.HttpRequest request, String tenant, QueryContext context) {
        return api.handle(request, tenant, context);
    }
}
