package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections to one server: opened on demand, at most {@code maxIdle} kept open between requests.
 * A connection the server closed (memcached restarted) is dropped when it is next taken.
 */
final class MemcachedServerPool {
    private final String address;
    private final Bootstrap bootstrap;
    private final long connectTimeoutMillis;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<MemcachedConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    MemcachedServerPool(String address, Bootstrap bootstrap, long connectTimeoutMillis, int maxIdle) {
        this.address = requireNonNull(address, "address is null");
        this.bootstrap = requireNonNull(bootstrap, "bootstrap is null");
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxIdle = maxIdle;
    }

    String address() {
        return address;
    }

    MemcachedConnection acquire() throws MemcachedException, InterruptedException {
        for (MemcachedConnection connection = poll(); connection != null; connection = poll()) {
            if (connection.isActive()) {
                return connection;
            }
            connection.close();
        }
        if (closed) {
            throw new MemcachedException("other", "the memcached client is closed");
        }
        MemcachedAddresses.Entry entry = MemcachedAddresses.parse("addresses", address);
        // Resolved here, on the caller's thread, so that a slow lookup never blocks the event loop.
        InetSocketAddress remote = new InetSocketAddress(entry.host(), entry.port());
        if (remote.isUnresolved()) {
            throw new MemcachedException("network-error", "memcached host " + entry.host() + " does not resolve");
        }
        ChannelFuture connect = bootstrap.connect(remote);
        if (!connect.await(connectTimeoutMillis + 1000, TimeUnit.MILLISECONDS)) {
            connect.cancel(false);
            connect.channel().close();
            throw new MemcachedException("connect-timeout", "connecting to memcached at " + address + " timed out");
        }
        if (!connect.isSuccess()) {
            Throwable cause = connect.cause();
            String reason = cause instanceof ConnectTimeoutException ? "connect-timeout" : "network-error";
            throw new MemcachedException(reason, "connecting to memcached at " + address + " failed: " + cause, cause);
        }
        return new MemcachedConnection(connect.channel());
    }

    /** Puts a connection that finished its request back; beyond {@code maxIdle} it is closed. */
    void release(MemcachedConnection connection) {
        if (closed || !connection.isActive()) {
            connection.close();
            return;
        }
        if (idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            connection.close();
            return;
        }
        idle.push(connection);
        if (closed) {
            closeIdle();
        }
    }

    private MemcachedConnection poll() {
        MemcachedConnection connection = idle.poll();
        if (connection != null) {
            idleCount.decrementAndGet();
        }
        return connection;
    }

    void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        for (MemcachedConnection connection = poll(); connection != null; connection = poll()) {
            connection.close();
        }
    }
}
