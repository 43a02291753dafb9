/**
 * The query-scheduler: one queue per tenant, a round robin over the tenants that have queued requests,
 * and querier workers that pull. Everything is guarded by one lock; futures are completed and cancel
 * actions run outside it, because the frontend's callbacks run on the completing thread.
 */
package mimir.queryscheduler;
