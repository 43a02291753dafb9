package mimir.core.objstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectKeys;
import mimir.spi.objstore.ObjectStore;
import org.junit.jupiter.api.Test;

class TestInstrumentedObjectStore {
    /** A map-backed store, enough to watch the decorators. */
    static final class MapStore implements ObjectStore {
        final TreeMap<String, byte[]> objects = new TreeMap<>();
        boolean failPuts;

        @Override
        public String backend() {
            return "map";
        }

        @Override
        public InputStream get(String key) throws IOException {
            byte[] data = objects.get(ObjectKeys.validate(key));
            if (data == null) {
                throw new NoSuchObjectException(key);
            }
            return new ByteArrayInputStream(data);
        }

        @Override
        public InputStream getRange(String key, long offset, long length) throws IOException {
            InputStream in = get(key);
            in.skipNBytes(Math.min(offset, objects.get(key).length));
            return length < 0 ? in : new ByteArrayInputStream(in.readNBytes((int) Math.min(length, Integer.MAX_VALUE)));
        }

        @Override
        public void put(String key, InputStream data) throws IOException {
            if (failPuts) {
                throw new IOException("injected");
            }
            objects.put(ObjectKeys.validate(key), data.readAllBytes());
        }

        @Override
        public void delete(String key) {
            objects.remove(ObjectKeys.validate(key));
        }

        @Override
        public Optional<ObjectAttributes> attributes(String key) {
            byte[] data = objects.get(ObjectKeys.validate(key));
            return data == null ? Optional.empty() : Optional.of(new ObjectAttributes(data.length, Instant.now()));
        }

        @Override
        public void list(String prefix, ListMode mode, Consumer<String> consumer) {
            objects.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(consumer);
        }

        @Override
        public void close() {}
    }

    @Test
    void operationsAreCountedWithThanosNamesAndLabels() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MapStore backend = new MapStore();
        ObjectStore store = new InstrumentedObjectStore(backend, registry, "compactor");

        store.put("tenant-1/meta.json", "{}".getBytes(UTF_8));
        try (InputStream in = store.get("tenant-1/meta.json")) {
            in.readAllBytes();
        }
        assertThatThrownBy(() -> store.get("tenant-1/missing")).isInstanceOf(NoSuchObjectException.class);
        store.exists("tenant-1/meta.json");
        store.list("", ObjectStore.ListMode.RECURSIVE, k -> {});
        backend.failPuts = true;
        assertThatThrownBy(() -> store.put("tenant-1/x", "x".getBytes(UTF_8))).isInstanceOf(IOException.class);

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("thanos_objstore_bucket_operations_total{bucket=\"compactor\",component=\"compactor\",operation=\"upload\"} 2.0")
                .contains("thanos_objstore_bucket_operations_total{bucket=\"compactor\",component=\"compactor\",operation=\"get\"} 2.0")
                .contains("thanos_objstore_bucket_operation_failures_total{bucket=\"compactor\",component=\"compactor\",operation=\"upload\"} 1.0")
                .as("a missing object is not a failure")
                .contains("thanos_objstore_bucket_operation_failures_total{bucket=\"compactor\",component=\"compactor\",operation=\"get\"} 0.0")
                .contains("thanos_objstore_bucket_operations_total{bucket=\"compactor\",component=\"compactor\",operation=\"iter\"} 1.0")
                .contains("thanos_objstore_bucket_operations_total{bucket=\"compactor\",component=\"compactor\",operation=\"get_range\"} 0.0")
                .contains("thanos_objstore_bucket_operation_duration_seconds_bucket{bucket=\"compactor\",component=\"compactor\",operation=\"exists\",le=\"0.001\"}");
    }

    @Test
    void prefixedStoreKeepsKeysBelowItsPrefix() throws IOException {
        MapStore backend = new MapStore();
        ObjectStore store = new PrefixedObjectStore(backend, "blocks1");

        store.put("tenant-1/meta.json", "{}".getBytes(UTF_8));
        assertThat(backend.objects).containsOnlyKeys("blocks1/tenant-1/meta.json");
        List<String> keys = new ArrayList<>();
        store.list("tenant-1/", ObjectStore.ListMode.RECURSIVE, keys::add);
        assertThat(keys).containsExactly("tenant-1/meta.json");
        assertThat(store.exists("tenant-1/meta.json")).isTrue();
        assertThatThrownBy(() -> store.get("tenant-1/missing"))
                .isInstanceOfSatisfying(NoSuchObjectException.class, e -> assertThat(e.key()).isEqualTo("tenant-1/missing"));
        assertThatIllegalArgumentException().isThrownBy(() -> store.get("../escape"));
        assertThatIllegalArgumentException().isThrownBy(() -> new PrefixedObjectStore(backend, "a/b"));
    }
}
