/**
 * Block identity and metadata: {@link mimir.tsdb.block.Ulid} block IDs and the {@code meta.json}
 * file ({@link mimir.tsdb.block.BlockMeta}), see {@code modules/tsdb/docs/meta.md}.
 *
 * <p>Design rules: a leaf package (JDK only; no JSON library). Fields this code does not know
 * (the Thanos/Mimir {@code thanos} section, newer Prometheus stats) are kept on read and written
 * back unchanged, so rewriting a meta never loses another system's data. Writes are atomic
 * ({@code meta.json.tmp}, fsync, rename).
 */
package mimir.tsdb.block;
