package mimir.core.objstore;

import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;

/**
 * Records every operation of a store with the metrics Mimir exports through Thanos' objstore:
 * {@code thanos_objstore_bucket_operations_total}, {@code thanos_objstore_bucket_operation_failures_total}
 * and the histogram {@code thanos_objstore_bucket_operation_duration_seconds}, labelled {@code operation}
 * ({@code get}, {@code get_range}, {@code upload}, {@code delete}, {@code exists}, {@code attributes},
 * {@code iter}), {@code bucket} and {@code component} (both the component's name, as Mimir registers
 * them). As in Thanos, a missing object is an expected outcome of get/get_range/exists/attributes, not
 * a failure; a read is timed until its stream is closed, and an error while reading counts as a failure.
 */
public final class InstrumentedObjectStore implements ObjectStore {
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMillis(300),
            Duration.ofMillis(600), Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(6), Duration.ofSeconds(9),
            Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(90), Duration.ofSeconds(120)};
    static final String[] OPERATIONS = {"get", "get_range", "upload", "delete", "exists", "attributes", "iter"};

    private record Meters(Counter operations, Counter failures, Timer duration) {}

    private final ObjectStore delegate;
    private final Map<String, Meters> meters;

    public InstrumentedObjectStore(ObjectStore delegate, MeterRegistry registry, String component) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(component, "component is null");
        Map<String, Meters> byOperation = new java.util.HashMap<>();
        for (String operation : OPERATIONS) {
            // Registered up front, so every operation's series exists from the start (Thanos does the same).
            byOperation.put(operation, new Meters(
                    Counter.builder("thanos_objstore_bucket_operations")
                            .description("Total number of all attempted operations against a bucket.")
                            .tags("bucket", component, "component", component, "operation", operation).register(registry),
                    Counter.builder("thanos_objstore_bucket_operation_failures")
                            .description("Total number of operations against a bucket that failed, but were not expected to fail in certain way from caller perspective. Those errors have to be investigated.")
                            .tags("bucket", component, "component", component, "operation", operation).register(registry),
                    Timer.builder("thanos_objstore_bucket_operation_duration_seconds")
                            .description("Duration of successful operations against the bucket per operation - iter operations include time spent on each callback.")
                            .tags("bucket", component, "component", component, "operation", operation)
                            .serviceLevelObjectives(BUCKETS).register(registry)));
        }
        this.meters = Map.copyOf(byOperation);
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws IOException;
    }

    private <T> T record(String operation, Call<T> call) throws IOException {
        Meters m = meters.get(operation);
        m.operations().increment();
        long start = System.nanoTime();
        try {
            T result = call.call();
            m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        }
        catch (NoSuchObjectException e) {
            throw e;
        }
        catch (IOException | RuntimeException | Error e) {
            m.failures().increment();
            throw e;
        }
    }

    @Override
    public String backend() {
        return delegate.backend();
    }

    @Override
    public InputStream get(String key) throws IOException {
        return timedRead("get", () -> delegate.get(key));
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        return timedRead("get_range", () -> delegate.getRange(key, offset, length));
    }

    private InputStream timedRead(String operation, Call<InputStream> open) throws IOException {
        Meters m = meters.get(operation);
        m.operations().increment();
        long start = System.nanoTime();
        InputStream input;
        try {
            input = open.call();
        }
        catch (NoSuchObjectException e) {
            throw e;
        }
        catch (IOException | RuntimeException | Error e) {
            m.failures().increment();
            throw e;
        }
        return new FilterInputStream(input) {
            private boolean failed;
            private boolean closed;

            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                }
                catch (IOException | RuntimeException e) {
                    failed = true;
                    throw e;
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                }
                catch (IOException | RuntimeException e) {
                    failed = true;
                    throw e;
                }
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    super.close();
                }
                catch (IOException | RuntimeException e) {
                    failed = true;
                    throw e;
                }
                finally {
                    if (failed) {
                        m.failures().increment();
                    }
                    else {
                        m.duration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    }
                }
            }
        };
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        record("upload", () -> {
            delegate.put(key, data);
            return null;
        });
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        record("upload", () -> {
            delegate.put(key, data);
            return null;
        });
    }

    @Override
    public void delete(String key) throws IOException {
        record("delete", () -> {
            delegate.delete(key);
            return null;
        });
    }

    @Override
    public boolean exists(String key) throws IOException {
        return record("exists", () -> delegate.exists(key));
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        return record("attributes", () -> delegate.attributes(key));
    }

    @Override
    public void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        record("iter", () -> {
            delegate.list(prefix, mode, consumer);
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
