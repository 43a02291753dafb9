/**
 * WAL record payloads, as Prometheus 2.42 writes them: series (type 1), float samples (2) and
 * tombstones (3); other types are recognised by {@link mimir.tsdb.record.RecordType} so replay can
 * skip them. Layouts are in {@code modules/tsdb/docs/wal.md}.
 *
 * <p>Design rules: a leaf package (imports only {@code mimir.tsdb.encoding} and {@code mimir.model});
 * it knows nothing about segments, pages or compression (that is {@code mimir.tsdb.wal}). Samples
 * travel in a reusable columnar {@link mimir.tsdb.record.SampleBatch}, so encoding and replay
 * allocate nothing per sample.
 */
package mimir.tsdb.record;
