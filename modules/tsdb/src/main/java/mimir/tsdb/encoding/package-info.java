/**
 * Primitive encodings shared by every on-disk format of the storage engine: big-endian fixed width
 * integers, Go-compatible {@code uvarint}/{@code varint}, length-prefixed UTF-8 strings, CRC-32C, and
 * the {@link mimir.tsdb.encoding.ByteSource} abstraction the block readers read through.
 *
 * <p>Design rule: this package knows no format. It is a leaf: it imports nothing from
 * {@code mimir.tsdb} and every other leaf may import it. Decoding is bounds-checked and reports a
 * truncated or malformed input as {@link mimir.tsdb.encoding.CorruptionException}; nothing here
 * allocates per value decoded, except strings.
 */
package mimir.tsdb.encoding;
