package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A memcached client's settings, Mimir's {@code memcached} block (dskit's {@code MemcachedClientConfig}).
 * Error messages name the flags under {@code flagPrefix}, e.g.
 * {@code -query-frontend.results-cache.memcached.timeout}.
 *
 * <p>Not here yet: {@code write-buffer-size-bytes}, {@code read-buffer-size-bytes} (Netty sizes its
 * buffers itself), {@code min-idle-connections-headroom-percentage} (idle connections are kept up to
 * {@code max-idle-connections}), TLS, and {@code dnssrv+}/{@code dnssrvnoa+} addresses.
 *
 * @param flagPrefix             the flags' common prefix, without the leading dash and with the trailing dot
 * @param addresses              {@code host:port} or {@code dns+host:port} entries
 * @param timeout                how long one request (a get batch or a set) may take once connected
 * @param connectTimeout         how long opening a connection may take
 * @param maxIdleConnections     idle connections kept per server
 * @param maxAsyncConcurrency    sets running at once
 * @param maxAsyncBufferSize     sets waiting to run; more are dropped
 * @param maxGetMultiConcurrency get batches running at once; 0 for no limit
 * @param maxGetMultiBatchSize   keys per get batch; 0 for no limit
 * @param maxItemSize            largest value stored, in bytes; 0 for no limit
 */
public record MemcachedClientConfig(
        String flagPrefix,
        List<String> addresses,
        Duration timeout,
        Duration connectTimeout,
        int maxIdleConnections,
        int maxAsyncConcurrency,
        int maxAsyncBufferSize,
        int maxGetMultiConcurrency,
        int maxGetMultiBatchSize,
        int maxItemSize) {

    public MemcachedClientConfig {
        requireNonNull(flagPrefix, "flagPrefix is null");
        addresses = List.copyOf(addresses);
        requireNonNull(timeout, "timeout is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        for (String address : addresses) {
            MemcachedAddresses.parse(flagPrefix + "addresses", address);
        }
        positive("timeout", !timeout.isNegative() && !timeout.isZero(), timeout);
        positive("connect-timeout", !connectTimeout.isNegative() && !connectTimeout.isZero(), connectTimeout);
        positive("max-async-concurrency", maxAsyncConcurrency > 0, maxAsyncConcurrency);
        positive("max-async-buffer-size", maxAsyncBufferSize > 0, maxAsyncBufferSize);
        notNegative("max-idle-connections", maxIdleConnections);
        notNegative("max-get-multi-concurrency", maxGetMultiConcurrency);
        notNegative("max-get-multi-batch-size", maxGetMultiBatchSize);
        notNegative("max-item-size", maxItemSize);
    }

    /** Fails unless at least one address is set: the check for a backend that needs memcached. */
    public void requireAddresses(String because) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("-" + flagPrefix + "addresses must list at least one memcached server (host:port or dns+host:port) " + because);
        }
    }

    private void positive(String flag, boolean ok, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("-" + flagPrefix + flag + " must be positive: " + value);
        }
    }

    private void notNegative(String flag, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("-" + flagPrefix + flag + " must not be negative (0 for no limit): " + value);
        }
    }
}
