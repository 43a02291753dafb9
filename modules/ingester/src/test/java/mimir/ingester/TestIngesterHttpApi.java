package mimir.ingester;

import static mimir.ingester.TestingIngester.HOUR;
import static mimir.ingester.TestingIngester.NOW;
import static mimir.ingester.TestingIngester.batch;
import static mimir.testing.TestingHttpRoutes.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import mimir.testing.MemoryObjectStore;
import mimir.ingester.client.IngesterException;
import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import mimir.spi.objstore.StorageScope;
import mimir.testing.TestingHttpRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin endpoints and what the provider wires. */
class TestIngesterHttpApi {
    private static final long T0 = NOW.toEpochMilli();
    private static final Labels UP = Labels.of("__name__", "up");

    @TempDir
    Path dir;

    private final MemoryObjectStore store = new MemoryObjectStore();

    private TestingIngester ingester() throws Exception {
        return new TestingIngester(dir, store, values -> values);
    }

    private static long metaJsons(MemoryObjectStore store, String tenant) {
        return store.keys().stream().filter(key -> key.startsWith(tenant + "/") && key.endsWith("/meta.json")).count();
    }

    @Test
    void providerDeclaresItsModuleAndRegistersTheInProcessClientAndRoutes() throws Exception {
        IngesterProvider provider = new IngesterProvider();
        assertThat(provider.name()).isEqualTo("ingester");
        assertThat(provider.dependencies()).containsExactly("api", "ingester-ring", "overrides", "runtime-config", "memberlist-kv", "vault");
        assertThat(provider.storageScopes()).containsExactly(StorageScope.BLOCKS);
        try (TestingIngester testing = ingester()) {
            TestingHttpRoutes routes = testing.core.routes();
            assertThat(List.of("/ingester/flush", "/ingester/shutdown", "/ingester/prepare-shutdown", "/ingester/tenants", "/ingester/tsdb/*"))
                    .allMatch(routes::has);
        }
    }

    @Test
    void flushWithWaitCompactsTheWholeHeadOfTheNamedTenantAndShipsIt() throws Exception {
        try (TestingIngester testing = ingester()) {
            testing.ingester.push("a", batch(UP, T0, T0 + 3 * HOUR));
            testing.ingester.push("b", batch(UP, T0));
            HttpResponse response = testing.core.routes().get("/ingester/flush", null, "tenant", "a", "wait", "true");
            assertThat(response.status()).isEqualTo(204);
            assertThat(testing.ingester.tenant("a").orElseThrow().db().head().numSeries()).isZero();
            assertThat(testing.ingester.tenant("a").orElseThrow().db().blocks()).hasSize(2);
            assertThat(metaJsons(store, "a")).isEqualTo(2);
            assertThat(metaJsons(store, "b")).as("only the named tenant").isZero();
        }
    }

    @Test
    void shutdownFlushesShipsAndRefusesFurtherPushes() throws Exception {
        try (TestingIngester testing = ingester()) {
            testing.ingester.push("a", batch(UP, T0));
            assertThat(testing.core.routes().post("/ingester/shutdown", null, new byte[0]).status()).isEqualTo(204);
            assertThat(metaJsons(store, "a")).isEqualTo(1);
            assertThatThrownBy(() -> testing.ingester.push("a", batch(UP, T0 + 1000))).isInstanceOfSatisfying(IngesterException.class,
                    e -> assertThat(e.httpStatus()).isEqualTo(503));
            assertThat(TestingIngester.read(testing.ingester, "a")).as("reads keep working").containsKey(UP);
            assertThat(testing.core.routes().get("/ingester/shutdown", null).status()).isEqualTo(405);
        }
    }

    @Test
    void prepareShutdownMakesTheNextStopFlush() throws Exception {
        try (TestingIngester testing = ingester()) {
            TestingHttpRoutes routes = testing.core.routes();
            testing.ingester.push("a", batch(UP, T0));
            assertThat(body(routes.get("/ingester/prepare-shutdown", null))).isEqualTo("unset\n");
            assertThat(routes.post("/ingester/prepare-shutdown", null, new byte[0]).status()).isEqualTo(204);
            assertThat(body(routes.get("/ingester/prepare-shutdown", null))).isEqualTo("set\n");
            assertThat(metaJsons(store, "a")).isZero();
        }
        assertThat(metaJsons(store, "a")).as("stopped with prepare-shutdown set: flushed and shipped").isEqualTo(1);
    }

    @Test
    void aStopWithoutPrepareShutdownKeepsTheHeadForTheWal() throws Exception {
        try (TestingIngester testing = ingester()) {
            testing.ingester.push("a", batch(UP, T0));
            TestingHttpRoutes routes = testing.core.routes();
            routes.post("/ingester/prepare-shutdown", null, new byte[0]);
            routes.call(new mimir.spi.http.HttpRequest("DELETE", "/ingester/prepare-shutdown", java.util.Map.of(), java.util.Map.of(), new byte[0],
                    java.util.Optional.empty()));
            assertThat(body(routes.get("/ingester/prepare-shutdown", null))).isEqualTo("unset\n");
        }
        assertThat(store.keys()).isEmpty();
    }

    @Test
    void tenantsAndTsdbPagesShowWhatIsHeld() throws Exception {
        try (TestingIngester testing = ingester()) {
            testing.ingester.push("a", batch(UP, T0));
            testing.ingester.push("b'(x)", batch(UP, T0));
            testing.ingester.flush(java.util.Set.of("a"));
            HttpResponse tenants = testing.core.routes().get("/ingester/tenants", null);
            assertThat(tenants.contentType()).isEqualTo(HttpResponse.HTML);
            assertThat(body(tenants)).contains("<a href=\"ingester/tsdb/a\">a</a>").contains(">b&#39;(x)</a>");
            HttpResponse text = testing.core.routes().call(new mimir.spi.http.HttpRequest("GET", "/ingester/tenants", java.util.Map.of(),
                    java.util.Map.of("accept", List.of("text/plain")), new byte[0], java.util.Optional.empty()));
            assertThat(body(text)).isEqualTo("a\nb'(x)\n");

            String ulid = testing.ingester.tenant("a").orElseThrow().db().blocks().getFirst().meta().ulid().toString();
            String page = body(testing.core.routes().get("/ingester/tsdb/a", null));
            assertThat(page).contains("TSDB of a").contains(ulid).contains("<td>yes</td>");
            assertThat(body(testing.core.routes().get("/ingester/tsdb/b'(x)", null))).contains("Series: 1");
            HttpResponse missing = testing.core.routes().get("/ingester/tsdb/nobody", null);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(body(missing)).contains("no TSDB for tenant nobody");
        }
    }
}
