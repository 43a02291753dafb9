package mimir.queryscheduler.client;

import java.time.Duration;

import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * A request handed to a querier worker. The worker executes it and calls {@link #complete} or
 * {@link #fail} exactly once; it checks {@link #cancelled()} (or registers {@link #onCancel}) to stop
 * early when the client went away.
 */
public interface ScheduledRequest {
    /** The tenant, or the {@code |}-joined tenants of a federated query. */
    String tenant();

    /** The request as the query-frontend sends it (path under the Prometheus API prefix, parameters). */
    HttpRequest request();

    /** How long the request waited in the queue. */
    Duration queueTime();

    /** True once the frontend cancelled the request. */
    boolean cancelled();

    /** Runs {@code action} when the request is cancelled (at once if it already is). */
    void onCancel(Runnable action);

    /** Delivers the response to the frontend. */
    void complete(HttpResponse response);

    /** Delivers a failure to the frontend. */
    void fail(Throwable failure);
}
