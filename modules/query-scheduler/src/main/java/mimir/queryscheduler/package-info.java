/**
 * The query-scheduler: one queue per tenant, a round robin over the tenants that have queued requests,
 * and querier workers that pull. Everything is guarded by one lock; futures are completed and cancel
 * actions run outside it, because the frontend's callbacks run on the completing thread.
 *
 * <p>Peers in other processes reach the same queue through two gRPC services: frontends through
 * {@code QuerySchedulerFrontendService} ({@code FrontendLoop}), querier workers
 * through {@code QuerySchedulerQuerierService} ({@code QuerierLoop},
 * {@code NotifyQuerierShutdown}). They add no queueing logic of their own: a request enqueued over gRPC
 * is the same queued request as an in-process one, and a querier's result travels back on the
 * frontend's stream (our simplification of Mimir's separate {@code FrontendForQuerier.QueryResult}
 * call; see {@code scheduler/scheduler.proto} in {@code mimir.proto}). Neither service holds a lock of
 * its own while it calls into the queue or completes a request, so that the chain frontend cancel →
 * queue → querier stream → result → frontend stream cannot deadlock.
 */
package mimir.queryscheduler;
