/**
 * Internals of the head ({@link mimir.tsdb.Head}): per-series chunk state, the inverted index, sample
 * iteration over chunk snapshots and WAL checkpoints. Not exported.
 *
 * <p>Design rules: per-series state is compact and primitive ({@code byte[]} chunks with times in a
 * {@code long[]}, label strings interned through the index), and appending to an existing series
 * allocates nothing per sample. Locking: a {@link mimir.tsdb.head.MemSeries} is guarded by its own
 * monitor; {@link mimir.tsdb.head.MemPostings} by a read-write lock, readers copying the lists they use;
 * nothing here takes two locks at once. Chunk cutting follows Prometheus's {@code head_append.go}
 * exactly, because block boundaries and chunk sizes must match what Prometheus would produce.
 */
package mimir.tsdb.head;
