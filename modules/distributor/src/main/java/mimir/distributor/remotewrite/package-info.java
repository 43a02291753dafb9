/**
 * Remote write 1.0 and 2.0 decoders over the protobuf wire bytes, writing straight into a reused
 * {@code WriteBatch}. Rules: no per-sample allocation; label strings through a per-decoder cache;
 * malformed bytes are a {@code MalformedRequestException} (a 400) naming the byte offset; a series that
 * cannot become {@code Labels} (duplicate names, values that are not UTF-8) and native histograms are
 * recorded in {@code Discards}, never dropped silently.
 */
package mimir.distributor.remotewrite;
