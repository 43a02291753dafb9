/**
 * The wire contract of the query-scheduler's {@code schedulerpb} services shared by its clients and the
 * scheduler: hand-written method descriptors (no generated stubs) and the conversions between
 * {@code mimir.spi.http} requests and responses and their messages. Exported to the scheduler only.
 */
package mimir.queryscheduler.client.grpc;
