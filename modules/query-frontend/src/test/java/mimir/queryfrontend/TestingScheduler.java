package mimir.queryfrontend;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * A scheduler whose querier is a worker thread per request answering from {@link TestingQuerierModel}.
 * Query {@code hang} is never answered (its futures are recorded so a test can see them cancelled);
 * tenant {@code full} gets the scheduler's 429.
 */
final class TestingScheduler implements SchedulerForFrontend {
    final TestingQuerierModel model = new TestingQuerierModel();
    final List<CompletableFuture<HttpResponse>> hanging = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<HttpResponse> enqueue(String tenant, HttpRequest request) {
        if (tenant.equals("full")) {
            throw new HttpException(429, "too many outstanding requests");
        }
        CompletableFuture<HttpResponse> future = new CompletableFuture<>();
        if (request.param("query").orElse("").equals("hang")) {
            hanging.add(future);
            return future;
        }
        Thread.ofVirtual().start(() -> future.complete(model.answer(tenant, request)));
        return future;
    }
}
