/** A tenant's exemplars in a fixed-size ring shared by its series, Prometheus's circular exemplar storage. */
package mimir.ingester.exemplars;
