/**
 * Orchestration of the storage engine (DB, head, queriers, compaction) over the format packages,
 * which never import this package.
 */
package mimir.tsdb;
