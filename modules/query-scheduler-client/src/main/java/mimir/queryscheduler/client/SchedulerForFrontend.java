package mimir.queryscheduler.client;

import java.util.concurrent.CompletableFuture;

import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/** The query-frontend's side of a query-scheduler: enqueue a tenant's request for a querier. */
public interface SchedulerForFrontend {
    /**
     * Queues a request of {@code tenant} (for a federated query, the {@code |}-joined tenant IDs) for the
     * next free querier worker. The future completes with the querier's response, or exceptionally with
     * the querier's failure (an {@link mimir.spi.http.HttpException} with 5xx when the querier or, for a
     * scheduler in another process, the connection to it went away). Cancelling the future (the client
     * went away) removes a request that is still queued and tells the querier working on it to stop.
     *
     * @throws mimir.spi.http.HttpException 429 when the tenant already has
     *         {@code -query-scheduler.max-outstanding-requests-per-tenant} requests queued, 503 when the
     *         scheduler is stopping or cannot be reached
     */
    CompletableFuture<HttpResponse> enqueue(String tenant, HttpRequest request);
}
