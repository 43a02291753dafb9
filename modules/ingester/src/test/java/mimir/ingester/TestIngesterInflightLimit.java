package mimir.ingester;

import static mimir.ingester.TestingIngester.NOW;
import static mimir.ingester.TestingIngester.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import mimir.ingester.client.IngesterException;
import mimir.ingester.client.PushResult;
import mimir.model.Labels;
import mimir.spi.Overrides;
import mimir.spi.limits.Limits;
import mimir.testing.TestingClock;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -ingester.instance-limits.max-inflight-push-requests} refuses a push while others are in flight. */
class TestIngesterInflightLimit {
    @TempDir
    Path dir;

    /** Overrides whose first lookup blocks until released, holding that push in flight. */
    private static final class BlockingOverrides implements Overrides {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicBoolean first = new AtomicBoolean(true);

        @Override
        public Limits defaults() {
            return Limits.defaults();
        }

        @Override
        public Limits forTenant(String tenant) {
            if (first.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    release.await();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Limits.defaults();
        }

        @Override
        public Map<String, Limits> tenantOverrides() {
            return Map.of();
        }

        @Override
        public void addChangeListener(Runnable listener) {}
    }

    @Test
    void aPushBeyondTheInflightLimitIsRefusedAndTheOthersComplete() throws Exception {
        IngesterConfig config = IngesterConfig.from(TestingConfigValues.defaults(IngesterConfig.SETTINGS)
                .with(IngesterConfig.TSDB_DIR, dir.toString()).with(IngesterConfig.MAX_INFLIGHT, 1));
        BlockingOverrides overrides = new BlockingOverrides();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Ingester ingester = new Ingester(config, overrides, new TestingClock(NOW), registry, Optional.empty());
        ingester.start(cause -> {
            throw new AssertionError(cause);
        });
        try {
            Labels series = Labels.of("__name__", "up");
            CompletableFuture<PushResult> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return ingester.push("t", batch(series, NOW.toEpochMilli()));
                }
                catch (IngesterException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(overrides.entered.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(registry.find("cortex_ingester_inflight_push_requests").gauge().value()).isEqualTo(1);
            assertThatThrownBy(() -> ingester.push("t", batch(series, NOW.toEpochMilli() + 1000))).isInstanceOfSatisfying(IngesterException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.getMessage()).contains("(err-mimir-ingester-max-inflight-push-requests)")
                        .contains("-ingester.instance-limits.max-inflight-push-requests");
            });
            overrides.release.countDown();
            assertThat(held.get(30, TimeUnit.SECONDS).acceptedSamples()).isEqualTo(1);
            assertThat(registry.find("cortex_ingester_inflight_push_requests").gauge().value()).isZero();
            assertThat(ingester.push("t", batch(series, NOW.toEpochMilli() + 2000)).acceptedSamples()).isEqualTo(1);
        }
        finally {
            overrides.release.countDown();
            ingester.stop();
        }
    }
}
