/**
 * A memcached client for the results cache, and the cache over it.
 *
 * <p>Library choice: Netty's binary memcache codec ({@code io.netty:netty-codec-memcache}, the Netty
 * version of the root pom) with connection pooling, sharding, batching, timeouts and the async set queue
 * written here (~500 lines). Measured on JDK 25 before choosing (get/set round-trip against Debian's
 * memcached 1.6.18 on the module path):
 * <ul>
 *   <li>netty-codec-memcache 4.2.18.Final: 48 KB, an explicit JPMS module ({@code io.netty.codec.memcache})
 *       that needs only the Netty modules the image already has, so jlink and the boot layer take it as is;
 *       shares Netty's buffers and event loops with the rest of the process.</li>
 *   <li>spymemcached 2.12.3: 474 KB, automatic module, last release 2017, needs {@code java.management}
 *       and {@code java.rmi} (jdeps) and runs its own I/O thread; round-trip worked.</li>
 *   <li>xmemcached 2.4.8: 472 KB plus slf4j-api, automatic module, needs {@code java.management} and
 *       {@code java.rmi}; round-trip worked.</li>
 * </ul>
 * Neither of the two clients splits a package, but both are automatic modules with their own thread and
 * logging models and their own server selectors (ketama), where Mimir shards by jump hash; what they would
 * save us is the protocol, and Netty's codec already does that part.
 *
 * <p>Design rules: nothing here throws at the query path: a failed get is a miss, a failed or dropped set
 * is lost, both counted under dskit's {@code thanos_cache_*} metrics and logged at most once per 10 s.
 * One request per connection at a time (no pipelining to match up); a request that times out closes its
 * connection. Keys are fixed-length hashes, values carry their full key (see
 * {@link mimir.queryfrontend.cache.ExtentsCodec}). This package is the place to start a shared
 * {@code mimir.cache} module from when the store-gateway's index and chunks caches need memcached.
 */
package mimir.queryfrontend.cache.memcached;
