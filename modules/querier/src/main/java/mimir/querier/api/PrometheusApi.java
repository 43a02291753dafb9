package mimir.querier.api;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.MetricMetadata;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.Queryable;
import mimir.model.storage.SeriesSet;
import mimir.promql.api.ApiJson;
import mimir.promql.api.ErrorType;
import mimir.promql.api.PromFormat;
import mimir.promql.engine.Engine;
import mimir.promql.engine.EngineOptions;
import mimir.promql.engine.Query;
import mimir.promql.engine.QueryException;
import mimir.promql.engine.QueryResult;
import mimir.promql.parser.AggregateExpr;
import mimir.promql.parser.BinaryExpr;
import mimir.promql.parser.Call;
import mimir.promql.parser.DurationExpr;
import mimir.promql.parser.Expr;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.NumberLiteral;
import mimir.promql.parser.ParenExpr;
import mimir.promql.parser.ParseException;
import mimir.promql.parser.Printer;
import mimir.promql.parser.PromQLParser;
import mimir.promql.parser.StringLiteral;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.UnaryExpr;
import mimir.promql.parser.VectorSelector;
import mimir.promql.value.Value;
import mimir.querier.storage.FederatedQuerier;
import mimir.querier.storage.QuerierStorage;
import mimir.querier.storage.QueryLimiter;
import mimir.spi.Overrides;
import mimir.spi.http.HttpRequest;
import mimir.spi.limits.Limits;

/**
 * Prometheus's {@code /api/v1} read endpoints over the querier's storage: {@code query},
 * {@code query_range}, {@code series}, {@code labels}, {@code label/<name>/values}, {@code metadata},
 * {@code query_exemplars} and {@code format_query}. Parameters are validated in Prometheus's order with
 * its messages; each method returns the JSON of a success and throws {@link ApiException} or
 * {@link QueryException} otherwise.
 *
 * <p>PromQL queries hold one of {@code -querier.max-concurrent} permits while they run; a query that
 * finds none waits for one (it does not fail), and stops waiting when its request is cancelled.
 */
public final class PrometheusApi {
    /** Prometheus's most points per series of a range query. */
    public static final int MAX_POINTS = 11_000;
    static final String TRUNCATED = "results truncated due to limit";
    /** Go's longest {@code time.Duration}, in milliseconds. */
    private static final long MAX_GO_DURATION_MILLIS = Long.MAX_VALUE / 1_000_000;

    private final QuerierStorage storage;
    private final Supplier<IngesterClient> ingester;
    private final Overrides overrides;
    private final Clock clock;
    private final EngineOptions engineOptions;
    private final Semaphore concurrency;
    private final Consumer<String> rejected;

    public PrometheusApi(QuerierStorage storage, Supplier<IngesterClient> ingester, Overrides overrides, Clock clock, EngineOptions engineOptions,
            Semaphore concurrency, Consumer<String> rejected) {
        this.storage = requireNonNull(storage, "storage is null");
        this.ingester = requireNonNull(ingester, "ingester is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.engineOptions = requireNonNull(engineOptions, "engineOptions is null");
        this.concurrency = requireNonNull(concurrency, "concurrency is null");
        this.rejected = requireNonNull(rejected, "rejected is null");
    }

    /** The limiter of one query of these tenants. */
    public QueryLimiter limiter(List<String> tenants) {
        List<Limits> limits = new ArrayList<>(tenants.size());
        for (String tenant : tenants) {
            limits.add(overrides.forTenant(tenant));
        }
        return QueryLimiter.forTenants(limits, rejected);
    }

    /** The storage of one query of these tenants. */
    public Queryable queryable(List<String> tenants, boolean promql) {
        return storage.queryable(tenants, limiter(tenants), promql);
    }

    /** {@code GET|POST /api/v1/query}. */
    public String query(HttpRequest request, List<String> tenants, QueryContext context) {
        ApiParams params = ApiParams.of(request);
        long time = params.time("time", clock.millis());
        int limit = params.limit("limit");
        Engine engine = engine(params);
        Query query;
        try {
            query = engine.instant(queryable(tenants, true), params.value("query"), time);
        }
        catch (QueryException e) {
            throw ApiException.invalidParameter("query", e.getMessage());
        }
        return render(run(query, context), limit);
    }

    /** {@code GET|POST /api/v1/query_range}. */
    public String queryRange(HttpRequest request, List<String> tenants, QueryContext context) {
        ApiParams params = ApiParams.of(request);
        long start = params.requiredTime("start");
        long end = params.requiredTime("end");
        if (end < start) {
            throw ApiException.invalidParameter("end", "end timestamp must not be before start time");
        }
        long step = params.duration("step");
        if (step <= 0) {
            throw ApiException.invalidParameter("step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        // Go's Time.Sub saturates at about 292 years; a range beyond that has too many points for any step we could evaluate.
        long length = end - start;
        if (length < 0 || length > MAX_GO_DURATION_MILLIS || length / step > MAX_POINTS) {
            throw ApiException.badData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }
        int limit = params.limit("limit");
        Engine engine = engine(params);
        Query query;
        try {
            query = engine.range(queryable(tenants, true), params.value("query"), start, end, step);
        }
        catch (QueryException e) {
            throw ApiException.invalidParameter("query", e.getMessage());
        }
        return render(run(query, context), limit);
    }

    /** The engine for one request: {@code timeout} at most {@code -querier.timeout}, and {@code lookback_delta}. */
    private Engine engine(ApiParams params) {
        EngineOptions options = engineOptions;
        if (!params.value("timeout").isEmpty()) {
            long timeout = params.duration("timeout");
            if (timeout > 0 && timeout < options.timeout().toMillis()) {
                options = options.withTimeout(Duration.ofMillis(timeout));
            }
        }
        if (!params.value("lookback_delta").isEmpty()) {
            long lookback = params.duration("lookback_delta");
            if (lookback < 0) {
                throw ApiException.invalidParameter("lookback_delta", "negative lookback delta is not allowed");
            }
            if (lookback > 0) {
                options = options.withLookbackDelta(Duration.ofMillis(lookback));
            }
        }
        return new Engine(options);
    }

    private QueryResult run(Query query, QueryContext context) {
        acquire(context);
        try {
            context.running(query);
            return query.execute();
        }
        finally {
            context.running(null);
            concurrency.release();
        }
    }

    /** Waits for a permit of {@code -querier.max-concurrent}, giving up only when the request is cancelled. */
    void acquire(QueryContext context) {
        try {
            while (!concurrency.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                context.checkCancelled();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorType.CANCELED, "query was canceled while waiting for a free query slot");
        }
    }

    /** Gives back the permit {@link #acquire} took. */
    void releaseSlot() {
        concurrency.release();
    }

    private static String render(QueryResult result, int limit) {
        Value value = result.value();
        List<String> warnings = result.warnings();
        if (limit > 0) {
            switch (value) {
                case Value.Vector vector when vector.samples().size() > limit -> {
                    value = new Value.Vector(vector.samples().subList(0, limit));
                    warnings = withWarning(warnings);
                }
                case Value.Matrix matrix when matrix.series().size() > limit -> {
                    value = new Value.Matrix(matrix.series().subList(0, limit));
                    warnings = withWarning(warnings);
                }
                default -> {
                }
            }
        }
        return ApiJson.queryResult(value, warnings, result.infos());
    }

    private static List<String> withWarning(List<String> warnings) {
        List<String> out = new ArrayList<>(warnings);
        out.add(TRUNCATED);
        return out;
    }

    /** {@code GET|POST /api/v1/series}. */
    public String series(HttpRequest request, List<String> tenants, QueryContext context) {
        ApiParams params = ApiParams.of(request);
        if (!params.has("match[]")) {
            throw ApiException.badData("no match[] parameter provided");
        }
        long start = params.time("start", ApiParams.MIN_TIME);
        long end = params.time("end", ApiParams.MAX_TIME);
        List<List<Matcher>> sets = params.matcherSets("match[]");
        int limit = params.limit("limit");
        TreeSet<Labels> series = new TreeSet<>();
        try (Querier querier = queryable(tenants, false).querier(start, end)) {
            for (List<Matcher> set : sets) {
                SeriesSet result = querier.select(true, set);
                while (result.next()) {
                    context.checkCancelled();
                    series.add(result.labels());
                }
            }
        }
        return limitedArray(series, limit, ApiJson::appendLabels);
    }

    /** {@code GET|POST /api/v1/labels}. */
    public String labels(HttpRequest request, List<String> tenants, QueryContext context) {
        ApiParams params = ApiParams.of(request);
        long start = params.time("start", ApiParams.MIN_TIME);
        long end = params.time("end", ApiParams.MAX_TIME);
        List<List<Matcher>> sets = params.matcherSets("match[]");
        int limit = params.limit("limit");
        TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
        try (Querier querier = queryable(tenants, false).querier(start, end)) {
            if (sets.isEmpty()) {
                names.addAll(querier.labelNames(List.of()));
            }
            for (List<Matcher> set : sets) {
                context.checkCancelled();
                names.addAll(querier.labelNames(set));
            }
        }
        return strings(names, limit);
    }

    /** {@code GET /api/v1/label/<name>/values}. */
    public String labelValues(String rawName, HttpRequest request, List<String> tenants, QueryContext context) {
        String name = ApiParams.labelName(rawName);
        ApiParams params = ApiParams.of(request);
        long start = params.time("start", ApiParams.MIN_TIME);
        long end = params.time("end", ApiParams.MAX_TIME);
        List<List<Matcher>> sets = params.matcherSets("match[]");
        int limit = params.limit("limit");
        TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
        try (Querier querier = queryable(tenants, false).querier(start, end)) {
            if (sets.isEmpty()) {
                values.addAll(querier.labelValues(name, List.of()));
            }
            for (List<Matcher> set : sets) {
                context.checkCancelled();
                values.addAll(querier.labelValues(name, set));
            }
        }
        return strings(values, limit);
    }

    private static String strings(TreeSet<String> values, int limit) {
        return limitedArray(values, limit, ApiJson::appendString);
    }

    /** A JSON array of at most {@code limit} items (0 for all), with Prometheus's warning when some were left out. */
    private static <T> String limitedArray(Iterable<T> items, int limit, BiConsumer<StringBuilder, T> append) {
        List<String> warnings = new ArrayList<>();
        StringBuilder out = new StringBuilder("[");
        int count = 0;
        for (T item : items) {
            if (limit > 0 && count == limit) {
                warnings.add(TRUNCATED);
                break;
            }
            if (count++ > 0) {
                out.append(',');
            }
            append.accept(out, item);
        }
        return ApiJson.success(out.append(']').toString(), warnings, List.of());
    }

    /** {@code GET /api/v1/metadata}. */
    public String metadata(HttpRequest request, List<String> tenants) {
        ApiParams params = ApiParams.of(request);
        int limit = params.integer("limit", -1, "limit must be a number");
        int limitPerMetric = params.integer("limit_per_metric", -1, "limit_per_metric must be a number");
        String metric = params.value("metric");
        Map<String, List<MetricMetadata>> byMetric = new TreeMap<>(Labels::compareUtf8);
        for (String tenant : tenants) {
            for (MetricMetadata entry : ingester.get().metricsMetadata(tenant, metric, limit, limitPerMetric)) {
                List<MetricMetadata> entries = byMetric.computeIfAbsent(entry.metricFamilyName(), k -> new ArrayList<>());
                if (!entries.contains(entry) && (limitPerMetric <= 0 || entries.size() < limitPerMetric)) {
                    entries.add(entry);
                }
            }
        }
        StringBuilder out = new StringBuilder("{");
        int metrics = 0;
        for (Map.Entry<String, List<MetricMetadata>> entry : byMetric.entrySet()) {
            if (limit >= 0 && metrics == limit) {
                break;
            }
            if (metrics++ > 0) {
                out.append(',');
            }
            ApiJson.appendString(out, entry.getKey());
            out.append(":[");
            List<MetricMetadata> entries = entry.getValue();
            for (int i = 0; i < entries.size(); i++) {
                MetricMetadata m = entries.get(i);
                out.append(i > 0 ? ",{\"type\":" : "{\"type\":");
                ApiJson.appendString(out, m.type().apiName());
                out.append(",\"help\":");
                ApiJson.appendString(out, m.help());
                out.append(",\"unit\":");
                ApiJson.appendString(out, m.unit());
                out.append('}');
            }
            out.append(']');
        }
        return ApiJson.success(out.append('}').toString(), List.of(), List.of());
    }

    /** {@code GET|POST /api/v1/query_exemplars}. */
    public String queryExemplars(HttpRequest request, List<String> tenants) {
        ApiParams params = ApiParams.of(request);
        long start = params.time("start", ApiParams.MIN_TIME);
        long end = params.time("end", ApiParams.MAX_TIME);
        if (end < start) {
            throw ApiException.badData("end timestamp must not be before start timestamp");
        }
        Expr expr;
        try {
            expr = PromQLParser.parse(params.value("query"));
        }
        catch (ParseException e) {
            throw ApiException.badData(e.getMessage());
        }
        List<List<Matcher>> selectors = new ArrayList<>();
        selectors(expr, selectors);
        if (selectors.isEmpty()) {
            return "{\"status\":\"success\"}";
        }
        StringBuilder out = new StringBuilder("[");
        int count = 0;
        for (String tenant : tenants) {
            for (ExemplarSeries series : ingester.get().queryExemplars(tenant, start, end, selectors)) {
                if (count++ > 0) {
                    out.append(',');
                }
                out.append("{\"seriesLabels\":");
                Labels labels = tenants.size() > 1 ? withTenantLabel(series.seriesLabels(), tenant) : series.seriesLabels();
                ApiJson.appendLabels(out, labels);
                out.append(",\"exemplars\":[");
                List<ExemplarSeries.Exemplar> exemplars = series.exemplars();
                for (int i = 0; i < exemplars.size(); i++) {
                    ExemplarSeries.Exemplar exemplar = exemplars.get(i);
                    out.append(i > 0 ? ",{\"labels\":" : "{\"labels\":");
                    ApiJson.appendLabels(out, exemplar.labels());
                    out.append(",\"value\":\"").append(PromFormat.sampleValue(exemplar.value())).append("\",\"timestamp\":");
                    PromFormat.appendPointTimestamp(out, exemplar.timestamp());
                    out.append('}');
                }
                out.append("]}");
            }
        }
        return ApiJson.success(out.append(']').toString(), List.of(), List.of());
    }

    private static Labels withTenantLabel(Labels labels, String tenant) {
        return labels.toBuilder().set(FederatedQuerier.TENANT_LABEL, tenant).build();
    }

    /** Every selector's matchers, in the order they appear (Prometheus's {@code ExtractSelectors}). */
    static void selectors(Expr expr, List<List<Matcher>> out) {
        switch (expr) {
            case null -> {
            }
            case VectorSelector selector -> out.add(selector.matchers());
            case MatrixSelector matrix -> out.add(matrix.selector().matchers());
            case AggregateExpr aggregate -> {
                selectors(aggregate.param(), out);
                selectors(aggregate.expr(), out);
            }
            case BinaryExpr binary -> {
                selectors(binary.lhs(), out);
                selectors(binary.rhs(), out);
            }
            case Call call -> {
                for (Expr arg : call.args()) {
                    selectors(arg, out);
                }
            }
            case ParenExpr paren -> selectors(paren.expr(), out);
            case UnaryExpr unary -> selectors(unary.expr(), out);
            case SubqueryExpr subquery -> selectors(subquery.expr(), out);
            case NumberLiteral n -> {
            }
            case StringLiteral s -> {
            }
            case DurationExpr d -> {
            }
        }
    }

    /** {@code GET|POST /api/v1/format_query}. */
    public String formatQuery(HttpRequest request) {
        ApiParams params = ApiParams.of(request);
        Expr expr;
        try {
            expr = PromQLParser.parse(params.value("query"));
        }
        catch (ParseException e) {
            throw ApiException.invalidParameter("query", e.getMessage());
        }
        StringBuilder out = new StringBuilder();
        ApiJson.appendString(out, Printer.print(expr));
        return ApiJson.success(out.toString(), List.of(), List.of());
    }
}
