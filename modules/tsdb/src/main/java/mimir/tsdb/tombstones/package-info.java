/**
 * The block {@code tombstones} file: deleted time intervals per series, as
 * {@code magic | version | {ref <uvarint> | mint <varint> | maxt <varint>}… | CRC32C(triples)}
 * (see {@code modules/tsdb/docs/tombstones.md}).
 *
 * <p>Design rules: a leaf package (imports only {@code mimir.tsdb.encoding}). Intervals are closed
 * {@code [minTime, maxTime]}; {@link mimir.tsdb.tombstones.Tombstones} keeps each series' intervals
 * sorted and merged, so readers can test a sample with one pass. The file is replaced atomically
 * (written to {@code tombstones.tmp}, fsynced, renamed).
 */
package mimir.tsdb.tombstones;
