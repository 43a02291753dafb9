/**
 * Chunk encodings: the Gorilla-style XOR float chunk, bit-identical to Prometheus's encoding 1
 * ({@code tsdb/chunkenc/xor.go}), and the MSB-first bit stream it is built on.
 *
 * <p>Design rules: a leaf package (imports only {@code mimir.tsdb.encoding}). Appending and iterating
 * are the hottest loops of the engine, so {@link mimir.tsdb.chunkenc.XorEncoder} and
 * {@link mimir.tsdb.chunkenc.XorIterator} allocate nothing per sample: the iterator is reusable via
 * {@code reset}, returns primitives, and reports corruption through {@code failure()} instead of
 * throwing from {@code next()}. Float bits are carried as raw {@code long}s, so NaN payloads such as
 * the staleness marker {@code 0x7ff0000000000002} survive a round trip exactly.
 */
package mimir.tsdb.chunkenc;
