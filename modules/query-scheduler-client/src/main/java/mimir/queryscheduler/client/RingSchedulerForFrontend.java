package mimir.queryscheduler.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.ring.RingClient;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * A query-frontend's schedulers in ring mode ({@code -query-scheduler.service-discovery-mode=ring}):
 * every healthy scheduler of the ring has a {@link GrpcSchedulerForFrontend}, and requests are spread
 * over them round robin. With none in the ring a request fails with 503, naming the ring.
 */
public final class RingSchedulerForFrontend implements SchedulerForFrontend, AutoCloseable {
    private final RingSchedulers<GrpcSchedulerForFrontend> schedulers;
    private final AtomicInteger next = new AtomicInteger();

    public RingSchedulerForFrontend(RingClient ring, String frontendId, int maxReceiveBytes) {
        this.schedulers = new RingSchedulers<>(ring, address -> new GrpcSchedulerForFrontend(address, frontendId, maxReceiveBytes));
    }

    /** Reads the ring and starts following it. */
    public void start() throws IOException {
        schedulers.start();
    }

    /** The addresses of the schedulers in use. */
    public List<String> addresses() {
        return schedulers.clients().stream().map(GrpcSchedulerForFrontend::address).toList();
    }

    @Override
    public CompletableFuture<HttpResponse> enqueue(String tenant, HttpRequest request) {
        List<GrpcSchedulerForFrontend> clients = schedulers.clients();
        if (clients.isEmpty()) {
            schedulers.refresh();
            clients = schedulers.clients();
        }
        if (clients.isEmpty()) {
            throw new HttpException(503, "no healthy query-scheduler in the query-scheduler ring (-query-scheduler.service-discovery-mode=ring)");
        }
        return clients.get(Math.floorMod(next.getAndIncrement(), clients.size())).enqueue(tenant, request);
    }

    @Override
    public void close() {
        schedulers.close();
    }
}
