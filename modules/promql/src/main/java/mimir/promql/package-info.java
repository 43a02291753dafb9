/** The query engine's public API. */
package mimir.promql;
