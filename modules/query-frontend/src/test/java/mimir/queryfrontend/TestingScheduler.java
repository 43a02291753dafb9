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
 * Query {@code hang} is never answered, {@code hold} only when the test releases it (its futures are recorded so a test can see them cancelled);
 * tenant {@code full} gets the scheduler's 429.
 */
final class TestingScheduler implements SchedulerForFrontend {
    final TestingQuerierModel model = new TestingQuerierModel();
    final List<CompletableFuture<HttpResponse>> hanging = new CopyOnWriteArrayList<>();
    private final java.util.ArrayDeque<Runnable> held = new java.util.ArrayDeque<>();
    private int maxHeld;

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
        if (request.param("query").orElse("").equals("hold")) {
            synchronized (held) {
                held.addLast(() -> future.complete(model.answer(tenant, request)));
                maxHeld = Math.max(maxHeld, held.size());
                held.notifyAll();
            }
            return future;
        }
        Thread.ofVirtual().start(() -> future.complete(model.answer(tenant, request)));
        return future;
    }

    /** Waits until {@code count} requests of query {@code hold} wait, then answers the oldest. */
    void releaseOneWhenHolding(int count) throws InterruptedException {
        Runnable oldest;
        synchronized (held) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (held.size() < count && System.nanoTime() < deadline) {
                held.wait(100);
            }
            if (held.size() < count) {
                throw new AssertionError("expected " + count + " held requests, found " + held.size());
            }
            oldest = held.pollFirst();
        }
        oldest.run();
    }

    /** The most requests of query {@code hold} that waited at once. */
    int maxHeld() {
        synchronized (held) {
            return maxHeld;
        }
    }
}
