package mimir.queryfrontend;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * Sends one request through the query-scheduler to a querier and waits for the answer, retrying a 5xx
 * up to {@code -query-frontend.max-retries-per-request} attempts. When the wait ends early (the deadline
 * passed or the handler thread was interrupted because the client went away) the request's future is
 * cancelled, which takes it out of the queue or tells the querier working on it to stop.
 */
final class QueryFrontendDownstream {
    private final SchedulerForFrontend scheduler;
    private final int maxAttempts;
    private final QueryFrontendMetrics metrics;

    QueryFrontendDownstream(SchedulerForFrontend scheduler, int maxRetries, QueryFrontendMetrics metrics) {
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.maxAttempts = Math.max(1, maxRetries);
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /**
     * @throws HttpException        a 4xx from the querier or the scheduler (429 when the tenant's queue is full)
     * @throws TimeoutException     when {@code deadlineNanos} ({@link System#nanoTime}) passed
     * @throws InterruptedException when the calling thread was interrupted
     */
    HttpResponse execute(String tenant, HttpRequest request, long deadlineNanos) throws InterruptedException, TimeoutException {
        HttpResponse lastResponse = null;
        RuntimeException lastFailure = null;
        int attempt = 0;
        try {
            for (; attempt < maxAttempts; attempt++) {
                CompletableFuture<HttpResponse> future = scheduler.enqueue(tenant, request);
                try {
                    HttpResponse response = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (response.status() < 500) {
                        return response;
                    }
                    lastResponse = response;
                    lastFailure = null;
                }
                catch (InterruptedException | TimeoutException e) {
                    future.cancel(true);
                    throw e;
                }
                catch (CancellationException e) {
                    throw new InterruptedException("the request was cancelled");
                }
                catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof HttpException http && http.status() < 500) {
                        throw http;
                    }
                    lastFailure = cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause.getMessage(), cause);
                    lastResponse = null;
                }
            }
        }
        finally {
            metrics.retries(Math.min(attempt, maxAttempts - 1));
        }
        if (lastResponse != null) {
            return lastResponse;
        }
        throw lastFailure;
    }
}
