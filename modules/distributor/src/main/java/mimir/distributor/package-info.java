/**
 * The distributor: {@link mimir.distributor.Distributor} (the push path and its order of checks),
 * {@link mimir.distributor.DistributorHttpApi} (remote write over HTTP), validation with Mimir's
 * messages in {@code DistributorValidation}, relabeling, rate limiters. Rules: nothing on the push
 * path allocates per sample (series labels and per-request objects only); every dropped sample,
 * exemplar and metadata entry is counted under Mimir's reason and named in the client's 400; limits
 * are read from {@code Overrides.forTenant} on every request so runtime overrides apply at once.
 */
package mimir.distributor;
