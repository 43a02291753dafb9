/**
 * Blocks in the bucket, for every component that reads or writes them: the layout
 * ({@code <tenant>/<block>/...}, {@code markers/}), discovering a tenant's blocks (its bucket index, or
 * a listing), uploading a block (meta.json last), and the deletion and no-compact marks. Depends on the
 * object-store SPI and on {@code mimir.tsdb}'s block formats only.
 */
module mimir.bucket {
    requires transitive mimir.spi;
    requires transitive mimir.tsdb;

    exports mimir.bucket;
}
