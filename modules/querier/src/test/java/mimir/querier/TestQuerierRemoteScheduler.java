package mimir.querier;

import static mimir.querier.QuerierFixture.NOW_S;
import static mimir.querier.QuerierFixture.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;
import mimir.queryscheduler.QuerySchedulerProvider;
import mimir.queryscheduler.client.GrpcSchedulerForFrontend;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.Eventually;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A querier whose workers take requests from a query-scheduler in another process
 * ({@code -querier.scheduler-address}): the scheduler has its own core and serves its gRPC services on
 * 127.0.0.1, and requests are enqueued through the query-frontend's gRPC client.
 */
class TestQuerierRemoteScheduler {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestingCoreServices schedulerCore;
    private Service scheduler;
    private QuerierFixture fixture;

    private String startScheduler() throws Exception {
        QuerySchedulerProvider provider = new QuerySchedulerProvider();
        List<Setting<?>> settings = new ArrayList<>();
        provider.registerConfig(new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                settings.add(setting);
                return setting;
            }
        });
        TestingConfigValues config = TestingConfigValues.defaults(settings);
        schedulerCore = new TestingCoreServices(config, null, Limits.defaults(), QuerierFixture.NOW, Set.of("query-scheduler"));
        scheduler = provider.create(schedulerCore, config).getFirst();
        scheduler.start(cause -> {
            throw new AssertionError(cause);
        });
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        for (Object service : schedulerCore.registeredGrpcServices()) {
            builder.addService((BindableService) service);
        }
        Server server = builder.build().start();
        closeables.add(() -> {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        });
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.querier.stop();
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    private double connectedQueriers() {
        return schedulerCore.simpleMeterRegistry().find("cortex_query_scheduler_connected_querier_clients").gauge().value();
    }

    @Test
    void workersExecuteRequestsFromASchedulerInAnotherProcessAndSayGoodbyeOnStop() throws Exception {
        String address = startScheduler();
        fixture = new QuerierFixture(QuerierConfig.defaults().withMaxConcurrent(4).withScheduler(address).withQuerierId("querier-remote"),
                Set.of("querier", "ingester"), true);
        fixture.series("team-a", Labels.of("__name__", "up", "instance", "a"), 1, 0);
        fixture.start();
        GrpcSchedulerForFrontend frontend = new GrpcSchedulerForFrontend(address, "test-frontend", 1 << 20);
        closeables.add(frontend);

        HttpRequest query = new HttpRequest("GET", "/prometheus/api/v1/query", Map.of("query", List.of("up"), "time", List.of(NOW_S)), Map.of(),
                new byte[0], Optional.empty());
        HttpResponse response = frontend.enqueue("team-a", query).get(30, TimeUnit.SECONDS);

        assertThat(response.status()).isEqualTo(200);
        assertThat(body(response)).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
                + "{\"__name__\":\"up\",\"instance\":\"a\"},\"value\":[" + NOW_S + ",\"1\"]}]}}");
        assertThat(connectedQueriers()).isEqualTo(1);
        // Without a query-frontend in its process the querier still serves the Prometheus API itself.
        assertThat(fixture.core.routes().has(QuerierFixture.PREFIX + "/api/v1/query")).isTrue();

        fixture.querier.stop();
        fixture = null;
        Eventually.assertThat(Duration.ofSeconds(30), () -> assertThat(connectedQueriers()).isZero());
    }
}
