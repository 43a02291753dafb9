package mimir.queryfrontend.cache.memcached;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheClientCodec;
import io.netty.handler.codec.memcache.binary.BinaryMemcacheObjectAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A memcached client as dskit's: keys sharded over the servers by jump hash, gets in batches of
 * {@code max-get-multi-batch-size} run at most {@code max-get-multi-concurrency} at once, sets queued
 * ({@code max-async-buffer-size}, beyond that dropped) and run by {@code max-async-concurrency}
 * workers, values over {@code max-item-size} never stored. Nothing here throws at its caller: a failed
 * get is a miss, a failed set is lost; both are counted and logged, one line per 10 s.
 */
public final class MemcachedClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MemcachedClient.class.getName());
    private static final long LOOKUP_INTERVAL_SECONDS = 10;
    /** Memcached's key limit; longer keys, and keys with spaces or control characters, are refused. */
    static final int MAX_KEY_LENGTH = 250;

    private record PendingSet(String key, byte[] value, int expiration) {}

    private final String name;
    private final MemcachedClientConfig config;
    private final MemcachedClientMetrics metrics;
    private final EventLoopGroup eventLoop;
    private final Bootstrap bootstrap;
    private final Map<String, MemcachedServerPool> pools = new ConcurrentHashMap<>();
    private final Semaphore getMultiPermits;
    private final BlockingQueue<PendingSet> pendingSets;
    private final List<Thread> setWorkers = new ArrayList<>();
    private final RateLimitedLog failureLog = new RateLimitedLog(TimeUnit.SECONDS.toNanos(10));
    private final Counter getOperations;
    private final Counter setOperations;
    private final Timer getDuration;
    private final Timer setDuration;
    private volatile List<String> servers;
    private volatile boolean closed;

    /**
     * @param name the {@code name} label of the metrics, e.g. {@code frontend-cache}
     */
    public MemcachedClient(String name, MemcachedClientConfig config, MeterRegistry registry) {
        this.name = requireNonNull(name, "name is null");
        this.config = requireNonNull(config, "config is null");
        this.metrics = new MemcachedClientMetrics(registry, name);
        this.getOperations = metrics.operation(MemcachedClientMetrics.GET_MULTI);
        this.setOperations = metrics.operation(MemcachedClientMetrics.SET);
        this.getDuration = metrics.duration(MemcachedClientMetrics.GET_MULTI);
        this.setDuration = metrics.duration(MemcachedClientMetrics.SET);
        this.getMultiPermits = config.maxGetMultiConcurrency() > 0 ? new Semaphore(config.maxGetMultiConcurrency()) : null;
        this.pendingSets = new ArrayBlockingQueue<>(config.maxAsyncBufferSize());
        // Daemon threads: a frontend that was built but never stopped must not keep the process alive.
        this.eventLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("memcached-" + name, true), NioIoHandler.newFactory());
        int maxResponse = config.maxItemSize() > 0 ? config.maxItemSize() + 4096 : Integer.MAX_VALUE;
        this.bootstrap = new Bootstrap().group(eventLoop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new BinaryMemcacheClientCodec(), new BinaryMemcacheObjectAggregator(maxResponse),
                                new MemcachedConnection.Handler());
                    }
                });
        this.servers = lookUpServers();
        if (MemcachedAddresses.needsLookups(config.addresses())) {
            eventLoop.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(() -> servers = lookUpServers()),
                    LOOKUP_INTERVAL_SECONDS, LOOKUP_INTERVAL_SECONDS, TimeUnit.SECONDS);
        }
        for (int i = 0; i < config.maxAsyncConcurrency(); i++) {
            setWorkers.add(Thread.ofVirtual().name("memcached-" + name + "-set-", i).start(this::runSets));
        }
    }

    private List<String> lookUpServers() {
        List<String> unresolved = new ArrayList<>();
        List<String> found = MemcachedAddresses.resolve(config.flagPrefix() + "addresses", config.addresses(), unresolved);
        if (!unresolved.isEmpty()) {
            failureLog.warn("memcached hosts do not resolve name=" + name + " hosts=" + String.join(",", unresolved));
        }
        for (String gone : pools.keySet()) {
            if (!found.contains(gone)) {
                MemcachedServerPool pool = pools.remove(gone);
                if (pool != null) {
                    pool.close();
                }
            }
        }
        if (!found.equals(servers)) {
            LOG.log(Level.INFO, "memcached servers name=" + name + " servers=" + String.join(",", found));
        }
        return found;
    }

    /** The servers keys are sharded over, sorted. */
    List<String> servers() {
        return servers;
    }

    /** The server that holds {@code key}: jump hash over the sorted servers, as dskit's default selector. */
    static int serverIndex(String key, int serverCount) {
        return JumpHash.bucket(JumpHash.hash(key), serverCount);
    }

    /** The values found for {@code keys}; a key that is missing, malformed or whose server failed is absent. */
    public Map<String, byte[]> getMulti(Collection<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        List<String> current = servers;
        Map<Integer, List<String>> byServer = new LinkedHashMap<>();
        for (String key : keys) {
            if (!validKey(key)) {
                metrics.failure(MemcachedClientMetrics.GET_MULTI, "malformed-key").increment();
                continue;
            }
            if (!current.isEmpty()) {
                byServer.computeIfAbsent(serverIndex(key, current.size()), server -> new ArrayList<>()).add(key);
            }
        }
        List<Batch> batches = new ArrayList<>();
        int batchSize = config.maxGetMultiBatchSize() > 0 ? config.maxGetMultiBatchSize() : Integer.MAX_VALUE;
        for (Map.Entry<Integer, List<String>> entry : byServer.entrySet()) {
            List<String> serverKeys = entry.getValue();
            for (int from = 0; from < serverKeys.size(); from += batchSize) {
                batches.add(new Batch(current.get(entry.getKey()), serverKeys.subList(from, Math.min(serverKeys.size(), from + batchSize))));
            }
        }
        Map<String, byte[]> found = new HashMap<>();
        if (batches.size() == 1) {
            found.putAll(getBatch(batches.getFirst()));
        }
        else if (!batches.isEmpty()) {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Map<String, byte[]>>> futures = new ArrayList<>();
                for (Batch batch : batches) {
                    futures.add(executor.submit(() -> getBatch(batch)));
                }
                for (Future<Map<String, byte[]>> future : futures) {
                    found.putAll(future.get());
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            catch (ExecutionException e) {
                failureLog.warn("memcached get failed name=" + name + " err=\"" + e.getCause() + "\"");
            }
        }
        metrics.requested(keys.size(), found.size());
        return found;
    }

    private record Batch(String server, List<String> keys) {}

    private Map<String, byte[]> getBatch(Batch batch) {
        getOperations.increment();
        boolean permit = false;
        long start = System.nanoTime();
        try {
            if (getMultiPermits != null) {
                getMultiPermits.acquire();
                permit = true;
            }
            Map<String, byte[]> found = withConnection(batch.server(),
                    connection -> connection.getMulti(batch.keys(), config.timeout().toNanos()));
            getDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            long bytes = 0;
            for (byte[] value : found.values()) {
                bytes += value.length;
            }
            metrics.dataSize(MemcachedClientMetrics.GET_MULTI).record(bytes);
            return found;
        }
        catch (MemcachedException e) {
            failed(MemcachedClientMetrics.GET_MULTI, batch.server(), e);
            return Map.of();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
        finally {
            if (permit) {
                getMultiPermits.release();
            }
        }
    }

    /**
     * Queues a set of {@code value} under {@code key}; {@code expiration} is memcached's (seconds from
     * now, or a Unix time when past 30 days). A value over {@code max-item-size} is not stored, nor one
     * that finds the queue full; both are counted as skipped.
     */
    public void setAsync(String key, byte[] value, int expiration) {
        if (config.maxItemSize() > 0 && value.length > config.maxItemSize()) {
            metrics.skipped(MemcachedClientMetrics.SET, MemcachedClientMetrics.MAX_ITEM_SIZE).increment();
            return;
        }
        if (!validKey(key)) {
            metrics.failure(MemcachedClientMetrics.SET, "malformed-key").increment();
            return;
        }
        if (closed || !pendingSets.offer(new PendingSet(key, value, expiration))) {
            metrics.skipped(MemcachedClientMetrics.SET, MemcachedClientMetrics.ASYNC_BUFFER_FULL).increment();
        }
    }

    private void runSets() {
        while (!closed) {
            PendingSet set;
            try {
                set = pendingSets.take();
            }
            catch (InterruptedException e) {
                return;
            }
            set(set);
        }
    }

    private void set(PendingSet set) {
        List<String> current = servers;
        if (current.isEmpty()) {
            return;
        }
        String server = current.get(serverIndex(set.key(), current.size()));
        setOperations.increment();
        long start = System.nanoTime();
        try {
            withConnection(server, connection -> {
                connection.set(set.key(), set.value(), set.expiration(), config.timeout().toNanos());
                return null;
            });
            setDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            metrics.dataSize(MemcachedClientMetrics.SET).record(set.value().length);
        }
        catch (MemcachedException e) {
            failed(MemcachedClientMetrics.SET, server, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T call(MemcachedConnection connection) throws MemcachedException, InterruptedException;
    }

    private <T> T withConnection(String server, Call<T> call) throws MemcachedException, InterruptedException {
        MemcachedServerPool pool = pools.computeIfAbsent(server,
                address -> new MemcachedServerPool(address, bootstrap, config.connectTimeout().toMillis(), config.maxIdleConnections()));
        MemcachedConnection connection = pool.acquire();
        try {
            return call.call(connection);
        }
        finally {
            pool.release(connection);
        }
    }

    private void failed(String operation, String server, MemcachedException e) {
        metrics.failure(operation, e.reason()).increment();
        String effect = operation.equals(MemcachedClientMetrics.SET) ? "not cached" : "cache miss";
        failureLog.warn("memcached operation failed name=" + name + " operation=" + operation + " effect=\"" + effect + "\""
                + " server=" + server + " reason=" + e.reason() + " err=\"" + e.getMessage() + "\"");
    }

    static boolean validKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Sets still queued; they are dropped at {@link #close()}. */
    int pendingSets() {
        return pendingSets.size();
    }

    @Override
    public void close() {
        closed = true;
        setWorkers.forEach(Thread::interrupt);
        pendingSets.clear();
        pools.values().forEach(MemcachedServerPool::close);
        eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
