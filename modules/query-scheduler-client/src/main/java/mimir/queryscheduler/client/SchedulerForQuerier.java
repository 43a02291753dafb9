package mimir.queryscheduler.client;

import java.time.Duration;
import java.util.Optional;

/** A querier worker's side of a query-scheduler: take the next request to execute. */
public interface SchedulerForQuerier {
    /**
     * Waits up to {@code timeout} for the next request for the querier {@code querierId}, choosing
     * tenants fairly (round robin over tenants with queued requests).
     *
     * @return the request, or empty if none came in time or the scheduler is stopping
     */
    Optional<ScheduledRequest> next(String querierId, Duration timeout) throws InterruptedException;

    /** Tells the scheduler that a querier is going away and takes no more requests. */
    void notifyQuerierShutdown(String querierId);
}
