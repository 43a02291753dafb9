package mimir.querier;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import mimir.bucket.SeriesDeletions;
import mimir.ingester.client.IngesterClient;
import mimir.model.Matcher;
import mimir.promql.api.ApiJson;
import mimir.querier.api.ApiException;
import mimir.querier.api.ApiParams;
import mimir.querier.storage.SeriesDeletionCache;
import mimir.spi.Overrides;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.tsdb.block.Ulid;

/**
 * Series deletion over a time range, beyond Mimir (grafana/mimir#6799), with Prometheus's admin API
 * contract, per tenant and only where {@code series_deletion_enabled} allows it:
 * {@code POST <prefix>/api/v1/admin/tsdb/delete_series} ({@code match[]}, {@code start}, {@code end};
 * 204) stores the request in the bucket, hides the samples from every query at once and deletes them
 * from the in-process ingester's TSDB; the compactor removes them from the blocks at its next run.
 * {@code GET} on the same path lists the tenant's requests; {@code POST .../clean_tombstones} answers
 * 204 (the compactor rewrites the affected blocks on its own schedule, {@code -compactor.compaction-interval}).
 */
final class SeriesDeletionApi {
    private static final System.Logger LOG = System.getLogger(SeriesDeletionApi.class.getName());

    private final String prefix;
    private final SeriesDeletionCache deletions;
    private final Supplier<IngesterClient> ingester;
    private final Overrides overrides;
    private final Clock clock;

    SeriesDeletionApi(String prefix, SeriesDeletionCache deletions, Supplier<IngesterClient> ingester, Overrides overrides, Clock clock) {
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.deletions = requireNonNull(deletions, "deletions is null");
        this.ingester = requireNonNull(ingester, "ingester is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    void register(HttpRoutes routes) {
        routes.register(prefix + "/api/v1/admin/tsdb/delete_series", Auth.TENANT,
                "Delete series over a time range (match[], start, end; series_deletion_enabled); GET lists the requests", this::deleteSeries, "GET", "POST",
                "PUT");
        routes.register(prefix + "/api/v1/admin/tsdb/clean_tombstones", Auth.TENANT, "Accepted; the compactor removes deleted samples from blocks",
                this::cleanTombstones, "POST", "PUT");
    }

    private void checkEnabled(String tenant) {
        if (!overrides.forTenant(tenant).seriesDeletionEnabled()) {
            throw new HttpException(403, "series deletion is disabled for tenant " + tenant
                    + " (enable it with the per-tenant limit series_deletion_enabled, flag -series-deletion.enabled)");
        }
    }

    private HttpResponse deleteSeries(HttpRequest request) {
        String tenant = request.requireTenant();
        checkEnabled(tenant);
        try {
            if (request.method().equals("GET")) {
                return list(tenant);
            }
            ApiParams params = ApiParams.of(request);
            if (!params.has("match[]")) {
                throw new HttpException(400, "no match[] parameter provided");
            }
            List<List<Matcher>> selectors = params.matcherSets("match[]");
            long start = params.time("start", ApiParams.MIN_TIME);
            long end = params.time("end", ApiParams.MAX_TIME);
            if (end < start) {
                throw new HttpException(400, "end timestamp must not be before start time");
            }
            SeriesDeletions.Request deletion = new SeriesDeletions.Request(Ulid.generate().toString(), selectors, start, end, clock.millis());
            deletions.add(tenant, deletion);
            ingester.get().deleteSeries(tenant, start, end, selectors);
            LOG.log(Level.INFO, "series deletion requested user=" + tenant + " id=" + deletion.id() + " start=" + start + " end=" + end);
            return new HttpResponse(204, HttpResponse.TEXT, Map.of(), new byte[0]);
        }
        catch (ApiException e) {
            throw new HttpException(400, e.getMessage());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse list(String tenant) throws IOException {
        StringBuilder data = new StringBuilder("[");
        for (SeriesDeletions.Request request : deletions.all(tenant)) {
            data.append(data.length() > 1 ? "," : "").append("{\"id\":");
            ApiJson.appendString(data, request.id());
            data.append(",\"start\":").append(request.start()).append(",\"end\":").append(request.end()).append(",\"created_at\":")
                    .append(request.createdAt()).append(",\"match\":[");
            for (int i = 0; i < request.selectors().size(); i++) {
                StringBuilder selector = new StringBuilder("{");
                List<Matcher> matchers = request.selectors().get(i);
                for (int j = 0; j < matchers.size(); j++) {
                    selector.append(j == 0 ? "" : ", ").append(matchers.get(j));
                }
                data.append(i == 0 ? "" : ",");
                ApiJson.appendString(data, selector.append('}').toString());
            }
            data.append("]}");
        }
        return HttpResponse.json(200, ApiJson.success(data.append(']').toString(), List.of(), List.of()));
    }

    private HttpResponse cleanTombstones(HttpRequest request) {
        checkEnabled(request.requireTenant());
        return new HttpResponse(204, HttpResponse.TEXT, Map.of(), new byte[0]);
    }
}
