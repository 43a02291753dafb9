/**
 * Blocks in the bucket, for every component that reads or writes them: the layout
 * ({@code <tenant>/<block>/...}, {@code markers/}), discovering a tenant's blocks (its bucket index, or
 * a listing), uploading a block (meta.json last), the deletion and no-compact marks, and the
 * tenants' series deletion requests. Depends on the
 * object-store SPI and on {@code mimir.tsdb}'s block formats only.
 */
module mimir.bucket {
    requires com.fasterxml.jackson.core;
    requires transitive mimir.spi;
    requires transitive mimir.tsdb;

    exports mimir.bucket;
}
