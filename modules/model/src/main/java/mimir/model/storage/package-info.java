/**
 * The storage interface between the query engine and the stores: select series by matchers within a
 * time range and iterate their samples without per-sample allocation.
 */
package mimir.model.storage;
