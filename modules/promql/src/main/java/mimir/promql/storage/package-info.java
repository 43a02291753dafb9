/** Stores the engine can query directly: an in-memory store for tests, benchmarks and promqltest. */
package mimir.promql.storage;
