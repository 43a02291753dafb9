package mimir.queryfrontend;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import mimir.promql.api.GoDurations;
import mimir.promql.api.ApiJson;
import mimir.promql.api.ErrorType;
import mimir.queryfrontend.QueryRequests.BadRequestException;
import mimir.queryfrontend.QueryRequests.RangeQuery;
import mimir.queryfrontend.cache.Extent;
import mimir.queryfrontend.cache.InMemoryResultsCache;
import mimir.queryfrontend.cache.ResultsCache;
import mimir.queryfrontend.cache.memcached.MemcachedClient;
import mimir.queryfrontend.cache.memcached.MemcachedResultsCache;
import mimir.queryscheduler.client.GrpcSchedulerForFrontend;
import mimir.queryscheduler.client.RingSchedulerForFrontend;
import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.spi.LocalInstances;
import mimir.spi.Overrides;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpHandler;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.spi.limits.BlockedQuery;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The query-frontend: serves the Prometheus HTTP API, applies Mimir's query middlewares (blocked
 * queries, {@code max_query_lookback}, {@code max_total_query_length}, step alignment, split by interval,
 * results cache, retries) and sends every request through the query-scheduler (the one of this process,
 * or the one at {@code -query-frontend.scheduler-address}) to the querier workers. Instant queries and
 * the other endpoints are forwarded unsplit.
 */
public final class QueryFrontend implements Service {
    private static final System.Logger LOG = System.getLogger(QueryFrontend.class.getName());
    static final String QUERY_BLOCKED = "the request has been blocked by the cluster administrator";
    static final String EMPTY_MATRIX = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}";

    private enum Kind { RANGE, INSTANT, FORWARD, LABELS, CARDINALITY }

    private final QueryFrontendConfig config;
    private final Overrides overrides;
    private final Clock clock;
    private final LocalInstances localInstances;
    private final QueryFrontendMetrics metrics;
    private final QueryRangeSplitter splitter;
    private final ResultsCache cache;
    private final Map<String, Pattern> blockedPatterns = new ConcurrentHashMap<>();
    private volatile QueryFrontendDownstream downstream;
    private volatile GrpcSchedulerForFrontend remoteScheduler;
    private volatile RingSchedulerForFrontend schedulerRing;
    private volatile Consumer<String> slowQueryLog = line -> LOG.log(Level.INFO, line);

    @Inject
    public QueryFrontend(QueryFrontendConfig config, Overrides overrides, Clock clock, LocalInstances localInstances, QueryFrontendMetrics metrics,
            MeterRegistry registry) {
        this.config = requireNonNull(config, "config is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.localInstances = requireNonNull(localInstances, "localInstances is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.cache = createCache(config, clock, registry);
        this.splitter = new QueryRangeSplitter(config.splitQueriesByInterval(), this.cache, clock, metrics);
    }

    /** The results cache {@code -query-frontend.cache-results} and {@code -query-frontend.results-cache.backend} ask for; null for none. */
    private static ResultsCache createCache(QueryFrontendConfig config, Clock clock, MeterRegistry registry) {
        if (!config.cacheResults()) {
            if (!config.resultsCacheBackend().isEmpty()) {
                LOG.log(Level.WARNING, "results cache backend is set but results are not cached: set -query-frontend.cache-results=true to use it backend="
                        + config.resultsCacheBackend());
            }
            return null;
        }
        if (config.resultsCacheBackend().equals(QueryFrontendConfig.MEMCACHED)) {
            // Mimir's cache name, the name label of the thanos_cache_* metrics.
            return new MemcachedResultsCache(new MemcachedClient("frontend-cache", config.memcached(), registry), clock);
        }
        return new InMemoryResultsCache(config.resultsCacheMaxSizeBytes());
    }

    @Override
    public String name() {
        return "query-frontend";
    }

    /** Registers the Prometheus API routes under the prefix; called while the module is created. */
    void registerRoutes(HttpRoutes routes) {
        String api = config.prometheusHttpPrefix() + "/api/v1/";
        register(routes, api + "query_range", Auth.FEDERATED_TENANT, "query_range", Kind.RANGE);
        register(routes, api + "query", Auth.FEDERATED_TENANT, "query", Kind.INSTANT);
        register(routes, api + "series", Auth.FEDERATED_TENANT, "series", Kind.FORWARD);
        register(routes, api + "labels", Auth.FEDERATED_TENANT, "labels", Kind.LABELS);
        register(routes, api + "label/*", Auth.FEDERATED_TENANT, "labels", Kind.LABELS);
        register(routes, api + "metadata", Auth.FEDERATED_TENANT, "metadata", Kind.FORWARD);
        register(routes, api + "query_exemplars", Auth.FEDERATED_TENANT, "query_exemplars", Kind.FORWARD);
        register(routes, api + "read", Auth.FEDERATED_TENANT, "remote_read", Kind.FORWARD);
        register(routes, api + "format_query", Auth.TENANT, "format_query", Kind.FORWARD);
        register(routes, api + "cardinality/*", Auth.TENANT, "cardinality", Kind.CARDINALITY);
    }

    private void register(HttpRoutes routes, String path, Auth auth, String op, Kind kind) {
        String description = kind == Kind.RANGE ? "Prometheus API (query-frontend)" : null;
        routes.register(path, auth, description, handler(op, kind), "GET", "POST");
    }

    @Override
    public void start(ServiceContext context) throws IOException {
        SchedulerForFrontend scheduler;
        String schedulers;
        RingSchedulerForFrontend ring = schedulerRing;
        if (config.schedulerAddress().isEmpty() && ring != null && localInstances.find(SchedulerForFrontend.class).isEmpty()) {
            ring.start();
            scheduler = ring;
            schedulers = "ring";
        }
        else if (config.schedulerAddress().isEmpty()) {
            schedulers = "in-process";
            scheduler = localInstances.find(SchedulerForFrontend.class).orElseThrow(() -> new IllegalStateException(
                    "the query-frontend needs a query-scheduler in this process: add query-scheduler to -target (it is part of all and backend), "
                            + "or set -query-frontend.scheduler-address to use a query-scheduler in another process"));
        }
        else {
            GrpcSchedulerForFrontend remote = new GrpcSchedulerForFrontend(config.schedulerAddress(), frontendId(), config.grpcMaxRecvMsgSize());
            remoteScheduler = remote;
            scheduler = remote;
            schedulers = config.schedulerAddress();
        }
        downstream = new QueryFrontendDownstream(scheduler, config.maxRetries(), metrics);
        String cacheBackend = cache == null ? "none" : config.resultsCacheBackend().equals(QueryFrontendConfig.MEMCACHED) ? "memcached" : "inmemory";
        LOG.log(Level.INFO, "query-frontend started scheduler=" + schedulers
                + " results_cache=" + cacheBackend);
    }

    /** Who this frontend is in the scheduler's logs: host and process. */
    private static String frontendId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            host = "query-frontend";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    /**
     * In ring mode ({@code -query-scheduler.service-discovery-mode=ring}), the schedulers of the ring; used
     * when neither {@code -query-frontend.scheduler-address} is set nor a scheduler runs in this process.
     */
    void useSchedulerRing(RingSchedulerForFrontend ring) {
        this.schedulerRing = ring;
    }

    /** Who this frontend is in the schedulers' logs. */
    static String id() {
        return frontendId();
    }

    @Override
    public void stop() throws InterruptedException {
        downstream = null;
        RingSchedulerForFrontend ring = schedulerRing;
        if (ring != null) {
            ring.close();
        }
        GrpcSchedulerForFrontend remote = remoteScheduler;
        remoteScheduler = null;
        if (remote != null) {
            remote.close();
        }
        if (cache != null) {
            cache.close();
        }
    }

    private HttpHandler handler(String op, Kind kind) {
        return request -> {
            long startNanos = System.nanoTime();
            String tenant = request.tenant().orElseThrow(() -> new IllegalStateException("query-frontend routes resolve a tenant"));
            metrics.query(op, tenant);
            int status = 500;
            HttpResponse response = null;
            try {
                response = serve(kind, tenant, request);
                status = response.status();
                return response;
            }
            catch (HttpException e) {
                status = e.status();
                throw e;
            }
            finally {
                logIfSlow(tenant, request, status, response, System.nanoTime() - startNanos);
            }
        };
    }

    private HttpResponse serve(Kind kind, String tenant, HttpRequest request) {
        QueryFrontendDownstream target = downstream;
        if (target == null) {
            throw new HttpException(503, "the query-frontend is not running");
        }
        long deadline = System.nanoTime() + config.queryTimeout().toNanos();
        try {
            return switch (kind) {
                case RANGE -> queryRange(target, tenant, request, deadline);
                case INSTANT -> {
                    TenantLimits limits = TenantLimits.of(tenant, overrides);
                    String query = request.param("query").orElse("");
                    checkBlocked(tenant, limits, query, null);
                    checkExpressionSize(limits, query);
                    yield target.execute(tenant, request, deadline);
                }
                case FORWARD -> target.execute(tenant, request, deadline);
                case LABELS -> cachedWhole(target, tenant, request, deadline, "label_names_and_values",
                        TenantLimits.of(tenant, overrides).resultsCacheTtlForLabelsQuery());
                case CARDINALITY -> cachedWhole(target, tenant, request, deadline, "cardinality",
                        TenantLimits.of(tenant, overrides).resultsCacheTtlForCardinalityQuery());
            };
        }
        catch (BadRequestException e) {
            return error(ErrorType.BAD_DATA, e.getMessage());
        }
        catch (TimeoutException e) {
            return error(ErrorType.TIMEOUT, "the query-frontend gave up waiting for the queriers after "
                    + GoDurations.format(config.queryTimeout().toMillis()) + " (-query-frontend.query-timeout)");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(ErrorType.CANCELED, "the request was cancelled");
        }
    }

    private HttpResponse queryRange(QueryFrontendDownstream target, String tenant, HttpRequest request, long deadline)
            throws InterruptedException, TimeoutException {
        TenantLimits limits = TenantLimits.of(tenant, overrides);
        RangeQuery query = QueryRequests.parseRange(request);
        checkBlocked(tenant, limits, query.query(), query);
        checkExpressionSize(limits, query.query());

        Duration lookback = limits.maxQueryLookback();
        if (lookback.isPositive()) {
            long minStart = clock.millis() - lookback.toMillis();
            if (query.end() < minStart) {
                // Entirely before the lookback: Mimir answers with no data rather than an error.
                return HttpResponse.json(200, EMPTY_MATRIX);
            }
            if (query.start() < minStart) {
                query = query.withRange(minStart, query.end());
            }
        }
        Duration maxLength = limits.maxTotalQueryLength();
        Duration length = Duration.ofMillis(query.end() - query.start());
        if (maxLength.isPositive() && length.compareTo(maxLength) > 0) {
            throw new BadRequestException("the total query time range exceeds the limit (query length: " + GoDurations.format(length.toMillis())
                    + ", limit: " + GoDurations.format(maxLength.toMillis()) + ") (err-mimir-max-total-query-length). To adjust the related per-tenant limit, "
                    + "configure -query-frontend.max-total-query-length, or contact your service administrator.");
        }
        if (limits.alignQueriesWithStep()) {
            long step = query.step();
            query = query.withRange(Math.floorDiv(query.start(), step) * step, Math.floorDiv(query.end(), step) * step);
        }
        query = new RangeQuery(AtModifiers.evaluate(query.query(), query.start(), query.end()), query.start(), query.end(), query.step());
        boolean bypassCache = request.header("Cache-Control").orElse("").contains("no-store");
        return splitter.execute(new QueryRangeSplitter.Context(tenant, limits, target, deadline, bypassCache), request, query);
    }

    /**
     * Label names and values, and cardinality requests: the whole response is cached for
     * {@code results_cache_ttl_for_labels_query} / {@code _cardinality_query} when that TTL is set.
     */
    private HttpResponse cachedWhole(QueryFrontendDownstream target, String tenant, HttpRequest request, long deadline, String requestType, Duration ttl)
            throws InterruptedException, TimeoutException {
        if (cache == null || !ttl.isPositive() || request.header("Cache-Control").orElse("").contains("no-store")) {
            return target.execute(tenant, request, deadline);
        }
        String key = requestType + ":" + tenant + ":" + request.path() + "?" + QueryRequests.sortedParams(request);
        long now = clock.millis();
        java.util.Optional<List<Extent>> cached = cache.get(key, now);
        metrics.cacheLookup(requestType, cached.isPresent());
        if (cached.isPresent()) {
            return new HttpResponse(200, HttpResponse.JSON, Map.of(), cached.get().getFirst().response());
        }
        HttpResponse response = target.execute(tenant, request, deadline);
        if (response.status() == 200 && !QueryRangeSplitter.noStore(response)) {
            cache.put(key, List.of(new Extent(0, 0, response.body())), now + ttl.toMillis());
        }
        return response;
    }

    private static void checkExpressionSize(TenantLimits limits, String query) {
        int max = limits.maxQueryExpressionSizeBytes();
        int size = query.getBytes(StandardCharsets.UTF_8).length;
        if (max > 0 && size > max) {
            throw new BadRequestException("the raw query size in bytes (" + size + ") exceeds the limit (" + max + ") (err-mimir-max-query-expression-size-bytes). "
                    + "To adjust the related per-tenant limit, configure -query-frontend.max-query-expression-size-bytes, or contact your service administrator.");
        }
    }

    /** Rejects a query that one of the tenants' {@code blocked_queries} matches; {@code range} is null for instant queries. */
    private void checkBlocked(String tenant, TenantLimits limits, String query, RangeQuery range) {
        for (int i = 0; i < limits.tenantIds().size(); i++) {
            for (BlockedQuery blocked : limits.blockedQueries(i)) {
                if (matches(blocked, query, range)) {
                    String id = limits.tenantIds().get(i);
                    metrics.rejected(id, "blocked");
                    LOG.log(Level.INFO, "query blocked user=" + id + " pattern=" + quote(blocked.pattern()) + " query=" + quote(query));
                    String reason = blocked.reason().isEmpty() ? "" : ": " + blocked.reason();
                    throw new BadRequestException(QUERY_BLOCKED + reason + " (err-mimir-query-blocked)");
                }
            }
        }
    }

    private boolean matches(BlockedQuery blocked, String query, RangeQuery range) {
        if (!blocked.timeRangeLongerThan().isZero()
                && (range == null || range.end() - range.start() <= blocked.timeRangeLongerThan().toMillis())) {
            return false;
        }
        if (blocked.unalignedRangeQueries() && (range == null || (range.start() % range.step() == 0 && range.end() % range.step() == 0))) {
            return false;
        }
        if (!blocked.minimumStepSize().isZero() && (range == null || range.step() >= blocked.minimumStepSize().toMillis())) {
            return false;
        }
        if (blocked.pattern().strip().equals(query.strip())) {
            return true;
        }
        if (!blocked.regex()) {
            return false;
        }
        Pattern pattern = blockedPatterns.computeIfAbsent(blocked.pattern(), p -> {
            try {
                // Anchored and dot-matches-newline, as Prometheus regex matchers are.
                return Pattern.compile("(?s:" + p + ")");
            }
            catch (PatternSyntaxException e) {
                LOG.log(Level.WARNING, "query blocker regex does not compile, ignoring it pattern=" + quote(p) + " err=" + quote(e.getDescription()));
                return null;
            }
        });
        return pattern != null && pattern.matcher(query).matches();
    }

    private void logIfSlow(String tenant, HttpRequest request, int status, HttpResponse response, long elapsedNanos) {
        Duration threshold = config.logQueriesLongerThan();
        if (threshold.isZero() || (!threshold.isNegative() && elapsedNanos <= threshold.toNanos())) {
            return;
        }
        StringBuilder line = new StringBuilder("slow query detected component=query-frontend");
        line.append(" user=").append(quote(tenant));
        line.append(" method=").append(request.method());
        line.append(" path=").append(quote(request.path()));
        line.append(" status_code=").append(status);
        line.append(" status=").append(status >= 200 && status < 300 ? "success" : "failed");
        line.append(" time_taken=").append(GoDurations.format(Duration.ofNanos(elapsedNanos).toMillis()));
        line.append(" response_size_bytes=").append(response == null ? 0 : response.body().length);
        for (String name : List.of("query", "start", "end", "step", "time", "match[]")) {
            request.param(name).ifPresent(value -> line.append(" param_").append(name).append('=').append(quote(value)));
        }
        slowQueryLog.accept(line.toString());
    }

    /** Where slow-query lines go; tests read them here instead of through the logging backend. */
    void slowQueryLog(Consumer<String> sink) {
        this.slowQueryLog = requireNonNull(sink, "sink is null");
    }

    /** A logfmt value: bare when it has no space, quote or equals sign, else quoted and escaped. */
    static String quote(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != '\\';
        }
        return plain ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static HttpResponse error(ErrorType type, String message) {
        return new HttpResponse(type.httpStatus(), HttpResponse.JSON, Map.of(),
                ApiJson.error(type, message, List.of(), List.of()).getBytes(StandardCharsets.UTF_8));
    }
}
