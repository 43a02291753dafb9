/**
 * Key-value stores for rings and the HA tracker: {@link mimir.spi.kv.KvStoreProvider} backends, the
 * {@link mimir.spi.kv.KvClient} components use, and {@link mimir.spi.kv.KvCodec}, which also carries
 * the CRDT merge that gossiping stores need.
 */
package mimir.spi.kv;
