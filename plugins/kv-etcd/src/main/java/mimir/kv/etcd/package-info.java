/**
 * The etcd KV store: {@link mimir.kv.etcd.EtcdKvStoreProvider} ({@code -<scope>.store=etcd}), with
 * dskit's etcd client semantics on etcd's v3 gRPC API.
 *
 * <h2>Semantics</h2>
 * <ul>
 * <li>Keys are the UTF-8 bytes of the (prefixed) key, values the codec's bytes: what dskit's etcd
 *     client writes, so the same keys can be read by Mimir's own tools.</li>
 * <li>{@code get} is a linearizable Range of the key; {@code list} a keys-only Range of the prefix
 *     ({@code [prefix, prefix+1)}), sorted as Strings; {@code delete} a DeleteRange.</li>
 * <li>{@code cas} is a Txn: if {@code mod_revision(key) == revision read} (0 for a missing key) then
 *     Put, else Range, so a lost race brings the newer value back in the same round trip; at most
 *     {@code -etcd.max-retries} attempts ({@link mimir.kv.etcd.EtcdKvClient}).</li>
 * <li>{@code watchKey} reads the key, then watches it from the next revision on an etcd Watch
 *     stream, and starts over (read, deliver if newer, watch) after a backoff whenever the stream ends
 *     ({@link mimir.kv.etcd.EtcdWatch}). The SPI has no prefix watch, so neither has this client.</li>
 * <li>{@code open} connects (and authenticates) within {@code -etcd.dial-timeout} or fails naming the
 *     endpoints flag; afterwards every call waits up to that long for a connection and its reply.</li>
 * </ul>
 *
 * <h2>Why a hand-written client, not jetcd</h2>
 * Measured on this build (2026-12): the plugin jar is 277 KiB (283,513 bytes; 613 KiB of it
 * uncompressed are the 96 classes protoc generates from the etcd message subset in
 * {@code src/main/proto/etcd}, 89 KiB the client's own ~1,200 lines), and its whole runtime closure
 * (grpc-java 1.85.1, protobuf-java 4.36.2, Guava) is already in every image's {@code lib/}, so
 * {@code plugins/etcd/} is that one jar. jetcd-core 0.8.7 resolves to 46 jars, 21 MiB
 * ({@code reference/jpms-feasibility.md}); the 0.8.5 closure in the local Maven repository is 40 jars,
 * 16.9 MiB, of which 18 jars, 5.0 MiB, are not in {@code lib/}: Vert.x core and vertx-grpc, unshaded
 * grpc-netty 1.70 and Netty 4.1 codecs. Those would not load as a plugin layer: Netty 4.1's
 * {@code netty-codec} is module {@code io.netty.codec}, which {@code lib/}'s Netty 4.2
 * {@code netty-codec-base} already is (the loader rejects a folder holding a boot module), its gRPC
 * is older than {@code lib/}'s, and on the module path it needs {@code --add-modules ALL-MODULE-PATH}.
 * The price of the hand-written route: five method descriptors ({@link mimir.kv.etcd.EtcdGrpc}) and
 * a static name resolver for the endpoint list, with etcd's gRPC API as the contract (stable since
 * etcd 3.0).
 */
package mimir.kv.etcd;
