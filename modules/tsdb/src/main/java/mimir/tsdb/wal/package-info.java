/**
 * Write-ahead log segments ({@code wal/00000000}, …), Prometheus's {@code wlog} format: 32 KiB pages
 * holding record fragments ({@code type <1b> | len <2b> | CRC32C <4b> | data}), full/first/middle/
 * last fragment kinds, optional snappy compression per record, segments of at most 128 MiB.
 * Described in {@code modules/tsdb/docs/wal.md}.
 *
 * <p>Design rules: a leaf package (imports only {@code mimir.tsdb.encoding}); records are opaque
 * bytes here ({@code mimir.tsdb.record} gives them meaning). Earlier records are never lost: a
 * writer only ever appends to a fresh segment, and {@link mimir.tsdb.wal.WalRepair} removes only
 * what follows the first unreadable record, logging what it dropped.
 */
package mimir.tsdb.wal;
