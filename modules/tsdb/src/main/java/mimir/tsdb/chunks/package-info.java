/**
 * Chunk segment files of a block ({@code <block>/chunks/000001}, …): an 8-byte header, then chunks
 * back to back as {@code len <uvarint> | encoding <1b> | data | CRC32C(encoding, data)}. A chunk
 * reference is {@code segment_index << 32 | byte_offset} ({@link mimir.tsdb.chunks.ChunkRefs}).
 *
 * <p>Design rules: a leaf package (imports only {@code mimir.tsdb.encoding} and
 * {@code mimir.tsdb.chunkenc}). It stores opaque encoded chunks and never decodes samples. The
 * reader sees segments only as {@link mimir.tsdb.encoding.ByteSource}s, so the same code reads a
 * local block or ranges of an object in a bucket. The format is described in
 * {@code modules/tsdb/docs/chunks.md}.
 */
package mimir.tsdb.chunks;
