package mimir.querier.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SeriesSet;
import mimir.promql.api.ApiJson;
import mimir.spi.Overrides;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * Mimir's cardinality API under the Prometheus prefix ({@code /api/v1/cardinality/label_names},
 * {@code label_values}, {@code active_series}), enabled per tenant by {@code cardinality_analysis_enabled}.
 * Computed from the querier's storage (label names, label values and selected series of the tenant's
 * in-memory series); the JSON is Mimir's, failures are Mimir's plain-text 400s.
 */
public final class CardinalityApi {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 500;
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final List<Matcher> ALL_SERIES = List.of(Matcher.regex(Labels.METRIC_NAME, ".+"));

    private final PrometheusApi prometheus;
    private final Overrides overrides;

    public CardinalityApi(PrometheusApi prometheus, Overrides overrides) {
        this.prometheus = requireNonNull(prometheus, "prometheus is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
    }

    private String tenant(List<String> tenants) {
        if (tenants.size() != 1) {
            throw new HttpException(400, "multiple org IDs present");
        }
        String tenant = tenants.getFirst();
        if (!overrides.forTenant(tenant).cardinalityAnalysisEnabled()) {
            throw new HttpException(400, "cardinality analysis is disabled for the tenant: " + tenant);
        }
        return tenant;
    }

    private Querier querier(String tenant) {
        return prometheus.queryable(List.of(tenant), false).querier(ApiParams.MIN_TIME, ApiParams.MAX_TIME);
    }

    /** {@code label_names}: per label name its number of values, most values first. */
    public HttpResponse labelNames(HttpRequest request, List<String> tenants) {
        String tenant = tenant(tenants);
        ApiParams params = ApiParams.of(request);
        List<Matcher> matchers = selector(params);
        int limit = limit(params);
        countMethod(params);
        record NameCount(String name, int count) {}
        List<NameCount> counts = new ArrayList<>();
        long total = 0;
        try (Querier querier = querier(tenant)) {
            for (String name : querier.labelNames(matchers)) {
                int count = querier.labelValues(name, matchers).size();
                counts.add(new NameCount(name, count));
                total += count;
            }
        }
        counts.sort((a, b) -> a.count != b.count ? Integer.compare(b.count, a.count) : Labels.compareUtf8(a.name, b.name));
        StringBuilder out = new StringBuilder("{\"label_values_count_total\":").append(total).append(",\"label_names_count\":").append(counts.size())
                .append(",\"cardinality\":[");
        for (int i = 0; i < Math.min(limit, counts.size()); i++) {
            out.append(i > 0 ? ",{\"label_name\":" : "{\"label_name\":");
            ApiJson.appendString(out, counts.get(i).name);
            out.append(",\"label_values_count\":").append(counts.get(i).count).append('}');
        }
        return json(out.append("]}"));
    }

    /** {@code label_values}: per requested label name its values with their series counts, most series first. */
    public HttpResponse labelValues(HttpRequest request, List<String> tenants) {
        String tenant = tenant(tenants);
        ApiParams params = ApiParams.of(request);
        List<String> names = params.all("label_names[]");
        if (names.isEmpty()) {
            throw new HttpException(400, "'label_names[]' param is required");
        }
        for (String name : names) {
            if (!LABEL_NAME.matcher(name).matches()) {
                throw new HttpException(400, "invalid 'label_names' param '" + name + "'");
            }
        }
        List<Matcher> matchers = selector(params);
        int limit = limit(params);
        countMethod(params);
        record ValueCount(String value, int count) {}
        record NameResult(String name, int seriesCount, List<ValueCount> values) {}
        List<NameResult> results = new ArrayList<>();
        long seriesTotal = 0;
        try (Querier querier = querier(tenant)) {
            SeriesSet all = querier.select(false, matchers.isEmpty() ? ALL_SERIES : matchers);
            while (all.next()) {
                seriesTotal++;
            }
            for (String name : new TreeSet<>(names)) {
                List<Matcher> withName = new ArrayList<>(matchers.isEmpty() ? ALL_SERIES : matchers);
                withName.add(Matcher.regex(name, ".+"));
                Map<String, Integer> counts = new HashMap<>();
                int seriesCount = 0;
                SeriesSet set = querier.select(false, withName);
                while (set.next()) {
                    counts.merge(set.labels().get(name), 1, Integer::sum);
                    seriesCount++;
                }
                List<ValueCount> values = new ArrayList<>();
                counts.forEach((value, count) -> values.add(new ValueCount(value, count)));
                values.sort((a, b) -> a.count != b.count ? Integer.compare(b.count, a.count) : Labels.compareUtf8(a.value, b.value));
                results.add(new NameResult(name, seriesCount, values));
            }
        }
        results.sort((a, b) -> a.seriesCount != b.seriesCount ? Integer.compare(b.seriesCount, a.seriesCount) : Labels.compareUtf8(a.name, b.name));
        StringBuilder out = new StringBuilder("{\"series_count_total\":").append(seriesTotal).append(",\"labels\":[");
        for (int i = 0; i < results.size(); i++) {
            NameResult result = results.get(i);
            out.append(i > 0 ? ",{\"label_name\":" : "{\"label_name\":");
            ApiJson.appendString(out, result.name);
            out.append(",\"label_values_count\":").append(result.values.size()).append(",\"series_count\":").append(result.seriesCount)
                    .append(",\"cardinality\":[");
            for (int v = 0; v < Math.min(limit, result.values.size()); v++) {
                out.append(v > 0 ? ",{\"label_value\":" : "{\"label_value\":");
                ApiJson.appendString(out, result.values.get(v).value);
                out.append(",\"series_count\":").append(result.values.get(v).count).append('}');
            }
            out.append("]}");
        }
        return json(out.append("]}"));
    }

    /** {@code active_series}: the label sets of the series matching the required selector. */
    public HttpResponse activeSeries(HttpRequest request, List<String> tenants, QueryContext context) {
        String tenant = tenant(tenants);
        ApiParams params = ApiParams.of(request);
        if (!params.has("selector")) {
            throw new HttpException(400, "missing 'selector' parameter");
        }
        List<Matcher> matchers = selector(params);
        TreeSet<Labels> series = new TreeSet<>();
        try (Querier querier = querier(tenant)) {
            SeriesSet set = querier.select(true, matchers);
            while (set.next()) {
                context.checkCancelled();
                series.add(set.labels());
            }
        }
        StringBuilder out = new StringBuilder("{\"data\":[");
        int i = 0;
        for (Labels labels : series) {
            if (i++ > 0) {
                out.append(',');
            }
            ApiJson.appendLabels(out, labels);
        }
        return json(out.append("]}"));
    }

    private static List<Matcher> selector(ApiParams params) {
        List<String> selectors = params.all("selector");
        if (selectors.isEmpty()) {
            return List.of();
        }
        if (selectors.size() > 1) {
            throw new HttpException(400, "multiple 'selector' params are not allowed");
        }
        try {
            return ApiParams.parseSelector(selectors.getFirst());
        }
        catch (IllegalArgumentException e) {
            throw new HttpException(400, "failed to parse selector: " + e.getMessage());
        }
    }

    private static int limit(ApiParams params) {
        List<String> limits = params.all("limit");
        if (limits.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        if (limits.size() > 1) {
            throw new HttpException(400, "multiple 'limit' params are not allowed");
        }
        int limit;
        try {
            limit = Integer.parseInt(limits.getFirst());
        }
        catch (NumberFormatException e) {
            throw new HttpException(400, "strconv.Atoi: parsing \"" + ApiParams.goQuote(limits.getFirst()) + "\": invalid syntax");
        }
        if (limit < 0) {
            throw new HttpException(400, "'limit' param cannot be less than '0'");
        }
        if (limit > MAX_LIMIT) {
            throw new HttpException(400, "'limit' param cannot be greater than '" + MAX_LIMIT + "'");
        }
        return limit;
    }

    private static void countMethod(ApiParams params) {
        List<String> methods = params.all("count_method");
        if (!methods.isEmpty() && !methods.getFirst().equals("inmemory") && !methods.getFirst().equals("active")) {
            throw new HttpException(400, "invalid 'count_method' param '" + methods.getFirst() + "'. valid options are: [active,inmemory]");
        }
    }

    private static HttpResponse json(StringBuilder out) {
        return new HttpResponse(200, HttpResponse.JSON, Map.of(), out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
