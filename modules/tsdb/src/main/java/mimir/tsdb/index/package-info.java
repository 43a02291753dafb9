/**
 * The block index, format v2 ({@code <block>/index}): symbol table, series entries with chunk metas,
 * postings lists, postings offset table and TOC, as described in {@code modules/tsdb/docs/index.md}.
 *
 * <p>Design rules: a leaf package (imports only {@code mimir.tsdb.encoding} and {@code mimir.model}).
 * Series references are index positions ({@code offset / 16}), never Java objects. Postings are
 * cursors over sorted {@code long} refs ({@link mimir.tsdb.index.Postings}); intersecting, merging
 * and subtracting them allocates per list, never per series. The reader reads through a
 * {@link mimir.tsdb.encoding.ByteSource}; the writer takes series in sorted label order and writes
 * exactly the bytes Prometheus's reader expects (without the obsolete label-index sections).
 */
package mimir.tsdb.index;
