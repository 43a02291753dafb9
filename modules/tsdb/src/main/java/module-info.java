/**
 * The storage engine: Prometheus TSDB compatible in-memory head, write-ahead log, XOR chunks, blocks
 * (index v2, chunk segments, meta.json, tombstones), queriers and compaction. A root package over
 * leaf packages that each own one on-disk format; see {@code modules/tsdb/docs/}.
 */
module mimir.tsdb {
    requires mimir.snappy;
    requires transitive mimir.model;

    exports mimir.tsdb;
    exports mimir.tsdb.encoding;
    exports mimir.tsdb.chunkenc;
    exports mimir.tsdb.chunks;
    exports mimir.tsdb.index;
    exports mimir.tsdb.record;
    exports mimir.tsdb.wal;
    exports mimir.tsdb.tombstones;
    exports mimir.tsdb.block;
}
