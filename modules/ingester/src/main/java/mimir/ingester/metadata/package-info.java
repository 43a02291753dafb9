/** A tenant's metric metadata per metric family, with Mimir's per-user and per-metric limits and the retain period. */
package mimir.ingester.metadata;
