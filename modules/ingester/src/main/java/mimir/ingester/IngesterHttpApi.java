package mimir.ingester;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.tsdb.Block;
import mimir.tsdb.Head;
import mimir.tsdb.block.BlockMeta;

/**
 * The ingester's admin endpoints, as in Mimir: {@code /ingester/flush}, {@code /ingester/shutdown},
 * {@code /ingester/prepare-shutdown}, {@code /ingester/tenants} and {@code /ingester/tsdb/<tenant>}.
 * None needs a tenant header; the TSDB page takes the tenant from its path.
 */
final class IngesterHttpApi {
    private static final System.Logger LOG = System.getLogger(IngesterHttpApi.class.getName());
    static final String TSDB_PREFIX = "/ingester/tsdb/";

    private final Ingester ingester;

    @Inject
    IngesterHttpApi(Ingester ingester) {
        this.ingester = requireNonNull(ingester, "ingester is null");
    }

    void register(HttpRoutes routes) {
        routes.register("/ingester/flush", Auth.NONE, "Flush the TSDB heads to blocks and ship them (tenant=, wait=true)", this::flush, "GET", "POST");
        routes.register("/ingester/shutdown", Auth.NONE, "Flush and ship everything, then stop accepting writes", this::shutdown, "POST");
        routes.register("/ingester/prepare-shutdown", Auth.NONE, "Make the next stop flush and ship (POST sets, DELETE unsets, GET shows)",
                this::prepareShutdown, "GET", "POST", "DELETE");
        routes.register("/ingester/tenants", Auth.NONE, "Tenants with a TSDB in this ingester", this::tenants, "GET");
        routes.register(TSDB_PREFIX + "*", Auth.NONE, "Blocks and head of one tenant's TSDB", this::tsdb, "GET");
    }

    private HttpResponse flush(HttpRequest request) {
        Set<String> tenants = new HashSet<>(request.queryParams().getOrDefault("tenant", List.of()));
        boolean wait = request.param("wait").map(Boolean::parseBoolean).orElse(false);
        if (wait) {
            ingester.flush(tenants);
        }
        else {
            Thread.ofPlatform().name("ingester-flush").daemon().start(() -> {
                try {
                    ingester.flush(tenants);
                }
                catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "flush failed err=\"" + e.getMessage() + "\"", e);
                }
            });
        }
        return noContent();
    }

    private HttpResponse shutdown(HttpRequest request) {
        ingester.shutdownViaApi();
        return noContent();
    }

    private HttpResponse prepareShutdown(HttpRequest request) {
        switch (request.method()) {
            case "POST" -> ingester.setFlushOnShutdown(true);
            case "DELETE" -> ingester.setFlushOnShutdown(false);
            default -> {
                return HttpResponse.text(200, ingester.flushOnShutdown() ? "set\n" : "unset\n");
            }
        }
        return noContent();
    }

    /** HTML by default; one tenant per line with {@code Accept: text/plain}. */
    private HttpResponse tenants(HttpRequest request) {
        if (request.header("Accept").orElse("").contains("text/plain")) {
            StringBuilder text = new StringBuilder();
            ingester.tenantIds().forEach(id -> text.append(id).append('\n'));
            return HttpResponse.ok(HttpResponse.TEXT, text.toString());
        }
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Ingester tenants</title></head><body>\n<h1>Tenants</h1>\n");
        List<String> ids = ingester.tenantIds();
        html.append("<p>").append(ids.size()).append(" tenants with a TSDB in this ingester").append(ingester.accepting() ? "" : " (not accepting writes)")
                .append(".</p>\n<table border=\"1\"><tr><th>Tenant</th><th>Series in memory</th><th>Blocks</th></tr>\n");
        for (String id : ids) {
            Optional<TenantDb> tenant = ingester.tenant(id);
            if (tenant.isEmpty()) {
                continue;
            }
            html.append("<tr><td><a href=\"").append(TSDB_PREFIX.substring(1)).append(HttpResponse.escapeHtml(id)).append("\">").append(HttpResponse.escapeHtml(id)).append("</a></td><td>")
                    .append(tenant.get().db().head().numSeries()).append("</td><td>").append(tenant.get().db().blocks().size()).append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return HttpResponse.ok(HttpResponse.HTML, html.toString());
    }

    private HttpResponse tsdb(HttpRequest request) {
        String id = request.path().substring(TSDB_PREFIX.length());
        TenantDb tenant = ingester.tenant(id).orElseThrow(() -> new HttpException(404, "no TSDB for tenant " + id + " in this ingester"));
        Head head = tenant.db().head();
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>TSDB of ").append(HttpResponse.escapeHtml(id)).append("</title></head><body>\n<h1>TSDB of ")
                .append(HttpResponse.escapeHtml(id)).append("</h1>\n<h2>Head</h2>\n<ul>\n<li>Series: ").append(head.numSeries()).append("</li>\n");
        if (head.minTime() <= head.maxTime()) {
            html.append("<li>Min time: ").append(Instant.ofEpochMilli(head.minTime())).append("</li>\n<li>Max time: ")
                    .append(Instant.ofEpochMilli(head.maxTime())).append("</li>\n");
        }
        html.append("<li>Estimated memory: ").append(head.memoryEstimateBytes()).append(" bytes</li>\n</ul>\n<h2>Blocks</h2>\n")
                .append("<table border=\"1\"><tr><th>ULID</th><th>Min time</th><th>Max time</th><th>Series</th><th>Samples</th><th>Chunks</th><th>Level</th><th>Shipped</th></tr>\n");
        for (Block block : tenant.db().blocks()) {
            BlockMeta meta = block.meta();
            boolean shipped = tenant.shipper() != null && tenant.shipper().isShipped(meta.ulid());
            html.append("<tr><td>").append(meta.ulid()).append("</td><td>").append(Instant.ofEpochMilli(meta.minTime())).append("</td><td>")
                    .append(Instant.ofEpochMilli(meta.maxTime())).append("</td><td>").append(meta.stats().numSeries()).append("</td><td>")
                    .append(meta.stats().numSamples()).append("</td><td>").append(meta.stats().numChunks()).append("</td><td>")
                    .append(meta.compaction().level()).append("</td><td>").append(shipped ? "yes" : "no").append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return HttpResponse.ok(HttpResponse.HTML, html.toString());
    }

    private static HttpResponse noContent() {
        return new HttpResponse(204, HttpResponse.TEXT, Map.of(), new byte[0]);
    }
}
