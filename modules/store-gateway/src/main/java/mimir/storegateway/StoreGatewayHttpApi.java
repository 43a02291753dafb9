package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.tsdb.block.BlockMeta;

/**
 * The store-gateway's pages, as in Mimir: {@code /store-gateway/tenants} and
 * {@code /store-gateway/tenant/{tenant}/blocks}. HTML by default, plain text with {@code Accept: text/plain}.
 */
final class StoreGatewayHttpApi {
    static final String TENANT_PREFIX = "/store-gateway/tenant/";
    private static final String BLOCKS_SUFFIX = "/blocks";

    private final StoreGateway gateway;

    @Inject
    StoreGatewayHttpApi(StoreGateway gateway) {
        this.gateway = requireNonNull(gateway, "gateway is null");
    }

    void register(HttpRoutes routes) {
        routes.register("/store-gateway/tenants", Auth.NONE, "Tenants whose blocks this store-gateway holds", this::tenants, "GET");
        routes.register(TENANT_PREFIX + "*", Auth.NONE, "Blocks of one tenant held by this store-gateway (/store-gateway/tenant/<tenant>/blocks)",
                this::blocks, "GET");
    }

    private static boolean plain(HttpRequest request) {
        return request.header("Accept").orElse("").contains("text/plain");
    }

    private HttpResponse tenants(HttpRequest request) {
        List<String> ids = gateway.tenantIds();
        if (plain(request)) {
            StringBuilder text = new StringBuilder();
            ids.forEach(id -> text.append(id).append('\n'));
            return HttpResponse.ok(HttpResponse.TEXT, text.toString());
        }
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Store-gateway: bucket tenants</title></head><body>\n")
                .append("<h1>Store-gateway: bucket tenants</h1>\n<p>").append(ids.size()).append(" tenants.</p>\n")
                .append("<table border=\"1\"><tr><th>Tenant</th><th>Blocks</th></tr>\n");
        for (String id : ids) {
            int count = gateway.blocks(id).map(List::size).orElse(0);
            html.append("<tr><td><a href=\"tenant/").append(HttpResponse.escapeHtml(id)).append("/blocks\">").append(HttpResponse.escapeHtml(id)).append("</a></td><td>").append(count)
                    .append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return HttpResponse.ok(HttpResponse.HTML, html.toString());
    }

    private HttpResponse blocks(HttpRequest request) {
        String rest = request.path().substring(TENANT_PREFIX.length());
        if (!rest.endsWith(BLOCKS_SUFFIX)) {
            throw new HttpException(404, "not found: use /store-gateway/tenant/<tenant>/blocks");
        }
        String tenant = rest.substring(0, rest.length() - BLOCKS_SUFFIX.length());
        try {
            TenantIds.validate(tenant);
        }
        catch (InvalidTenantIdException e) {
            throw new HttpException(400, e.getMessage());
        }
        List<BucketBlock> blocks = gateway.blocks(tenant).orElseThrow(() -> new HttpException(404, "tenant " + tenant + " has no blocks in this store-gateway"));
        if (plain(request)) {
            StringBuilder text = new StringBuilder();
            for (BucketBlock block : blocks) {
                text.append(block.id()).append(' ').append(Instant.ofEpochMilli(block.entry().minTime())).append(' ')
                        .append(Instant.ofEpochMilli(block.entry().maxTime())).append(block.isOpen() ? " loaded" : " not-loaded").append('\n');
            }
            return HttpResponse.ok(HttpResponse.TEXT, text.toString());
        }
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><title>Store-gateway: blocks of ").append(HttpResponse.escapeHtml(tenant))
                .append("</title></head><body>\n<h1>Store-gateway: blocks of ").append(HttpResponse.escapeHtml(tenant)).append("</h1>\n<p>").append(blocks.size())
                .append(" blocks, discovered from ").append(gateway.fromBucketIndex(tenant) ? "the bucket index" : "a bucket listing (no bucket index)")
                .append(".</p>\n<table border=\"1\"><tr><th>Block ID</th><th>Min time</th><th>Max time</th><th>Duration</th><th>Series</th><th>Samples</th>")
                .append("<th>Level</th><th>Loaded</th><th>Index-header bytes</th><th>Index bytes</th></tr>\n");
        for (BucketBlock block : blocks) {
            BlockMeta meta = block.meta();
            html.append("<tr><td>").append(block.id()).append("</td><td>").append(Instant.ofEpochMilli(meta.minTime())).append("</td><td>")
                    .append(Instant.ofEpochMilli(meta.maxTime())).append("</td><td>").append(java.time.Duration.ofMillis(meta.maxTime() - meta.minTime()))
                    .append("</td><td>").append(meta.stats().numSeries()).append("</td><td>").append(meta.stats().numSamples()).append("</td><td>")
                    .append(meta.compaction().level()).append("</td><td>").append(block.isOpen() ? "yes" : "no").append("</td><td>")
                    .append(block.indexHeaderBytes()).append("</td><td>").append(block.indexBytes()).append("</td></tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return HttpResponse.ok(HttpResponse.HTML, html.toString());
    }
}
