package mimir.ingester;

import static mimir.ingester.TestingIngester.HOUR;
import static mimir.ingester.TestingIngester.NOW;
import static mimir.ingester.TestingIngester.batch;
import static mimir.ingester.TestingIngester.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import mimir.testing.MemoryObjectStore;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.tsdb.DB;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingester's push and read path: round trips, tenant isolation, refusals, limits, restart and durability. */
class TestIngester {
    private static final long T0 = NOW.toEpochMilli();
    private static final Labels UP_A = Labels.of("__name__", "up", "job", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "job", "b");
    private static final Labels OTHER = Labels.of("__name__", "other");

    @TempDir
    Path dir;

    private TestingIngester ingester() throws Exception {
        return new TestingIngester(dir, new MemoryObjectStore(), values -> values);
    }

    @Test
    void pushedSamplesAreReturnedToTheirTenantOnly() throws Exception {
        try (TestingIngester testing = ingester()) {
            Ingester ingester = testing.ingester;
            PushResult result = ingester.push("tenant-a", batch(Map.of(UP_A, new long[] {T0, T0 + 15_000}, UP_B, new long[] {T0})));
            assertThat(result).isEqualTo(new PushResult(3, 0, 0, java.util.Optional.empty()));
            ingester.push("tenant-b", batch(OTHER, T0 + 1000));

            assertThat(read(ingester, "tenant-a")).containsExactly(Map.entry(UP_A, List.of(T0, T0 + 15_000)), Map.entry(UP_B, List.of(T0)));
            assertThat(read(ingester, "tenant-b")).containsExactly(Map.entry(OTHER, List.of(T0 + 1000)));
            assertThat(read(ingester, "unknown")).isEmpty();
            assertThat(Files.isDirectory(dir.resolve("tenant-a").resolve("wal"))).isTrue();
            assertThat(testing.gauge("cortex_ingester_memory_series")).isEqualTo(3);
            assertThat(testing.gauge("cortex_ingester_memory_users")).isEqualTo(2);
            assertThat(testing.counter("cortex_ingester_ingested_samples")).isEqualTo(4);
            assertThat(testing.functionCounter("cortex_ingester_memory_series_created", "user", "tenant-a")).isEqualTo(2);
            assertThat(testing.gauge("cortex_ingester_active_series", "user", "tenant-b")).isEqualTo(1);
        }
    }

    @Test
    void aPushHandsBackTheHeadsOwnLabelsSoTheNextPushOfTheSeriesIsByIdentity() throws Exception {
        try (TestingIngester testing = ingester()) {
            WriteBatch first = batch(Labels.of("__name__", "up", "job", "a"), T0);
            Labels sent = first.labels(0);
            testing.ingester.push("t", first);
            Labels own = first.labels(0);
            assertThat(own).isEqualTo(sent);

            WriteBatch again = batch(Labels.of("__name__", "up", "job", "a"), T0 + 1000);
            testing.ingester.push("t", again);
            assertThat(again.labels(0)).isSameAs(own);
            WriteBatch byIdentity = batch(own, T0 + 2000);
            testing.ingester.push("t", byIdentity);
            assertThat(byIdentity.labels(0)).isSameAs(own);
            assertThat(read(testing.ingester, "t")).containsExactly(Map.entry(sent, List.of(T0, T0 + 1000, T0 + 2000)));

            // A refused sample still names its series; another tenant's head never hands out its instance.
            WriteBatch late = batch(Labels.of("__name__", "up", "job", "a"), T0);
            testing.ingester.push("t", late);
            assertThat(late.labels(0)).isSameAs(own);
            WriteBatch otherTenant = batch(Labels.of("__name__", "up", "job", "a"), T0);
            testing.ingester.push("u", otherTenant);
            assertThat(otherTenant.labels(0)).isNotSameAs(own);
        }
    }

    @Test
    void aHandleIsHonouredOnlyForItsOwnLabelsAndTenant() throws Exception {
        try (TestingIngester testing = ingester()) {
            Labels upA = Labels.of("__name__", "up", "job", "a");
            WriteBatch first = batch(upA, T0);
            testing.ingester.push("t", first);
            Labels own = first.labels(0);
            Object handle = first.handle(0);
            assertThat(handle).isNotNull();

            WriteBatch again = new WriteBatch();
            again.addSeries(own, handle);
            again.addSample(T0 + 1000, (T0 + 1000) / 1000.0);
            testing.ingester.push("t", again);
            assertThat(again.handle(0)).isSameAs(handle);

            // Tenant t's handle and labels pushed for tenant u: u gets a series of its own, t is untouched.
            WriteBatch foreign = new WriteBatch();
            foreign.addSeries(own, handle);
            foreign.addSample(T0 + 2000, (T0 + 2000) / 1000.0);
            testing.ingester.push("u", foreign);
            assertThat(foreign.handle(0)).isNotSameAs(handle);
            // The handle with other labels names nothing: the labels decide.
            Labels upB = Labels.of("__name__", "up", "job", "b");
            WriteBatch mismatched = new WriteBatch();
            mismatched.addSeries(upB, handle);
            mismatched.addSample(T0 + 3000, (T0 + 3000) / 1000.0);
            testing.ingester.push("t", mismatched);

            assertThat(read(testing.ingester, "t")).containsExactly(Map.entry(upA, List.of(T0, T0 + 1000)), Map.entry(upB, List.of(T0 + 3000)));
            assertThat(read(testing.ingester, "u")).containsExactly(Map.entry(upA, List.of(T0 + 2000)));
        }
    }

    @Test
    void concurrentFirstPushesOfATenantOpenOneTsdbAndLoseNothing() throws Exception {
        try (TestingIngester testing = ingester(); var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            int threads = 8;
            int pushes = 50;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<java.util.concurrent.CompletableFuture<Void>> done = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                Labels series = Labels.of("__name__", "up", "thread", Integer.toString(thread));
                done.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < pushes; i++) {
                            assertThat(testing.ingester.push("t", batch(series, T0 + i * 1000L)).acceptedSamples()).isEqualTo(1);
                        }
                    }
                    catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, executor));
            }
            for (var future : done) {
                future.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            Map<Labels, List<Long>> stored = read(testing.ingester, "t");
            assertThat(stored).hasSize(threads);
            assertThat(stored.values()).allSatisfy(timestamps -> assertThat(timestamps).hasSize(pushes));
        }
        try (TestingIngester restarted = ingester()) {
            assertThat(read(restarted.ingester, "t").values()).hasSize(8).allSatisfy(timestamps -> assertThat(timestamps).hasSize(50));
        }
    }

    @Test
    void refusedSamplesAreSoftCountedAndNamedWithMimirsIds() throws Exception {
        try (TestingIngester testing = ingester()) {
            Ingester ingester = testing.ingester;
            ingester.push("t", batch(UP_A, T0 + 10 * HOUR));

            WriteBatch batch = new WriteBatch();
            batch.addSeries(UP_A);
            batch.addSample(T0 + 9 * HOUR, 1); // out of order (within the head's bound)
            batch.addSample(T0 + 10 * HOUR, 2); // same timestamp, new value
            batch.addSample(T0 + 11 * HOUR, T0 / 1000.0 + 11 * HOUR / 1000.0); // fine
            batch.addSeries(UP_B);
            batch.addSample(T0, 3); // more than an hour before the head's newest sample: too old
            PushResult result = ingester.push("t", batch);

            assertThat(result.acceptedSamples()).isEqualTo(1);
            assertThat(result.rejectedSamples()).isEqualTo(3);
            assertThat(result.firstError()).hasValueSatisfying(error -> {
                assertThat(error.httpStatus()).isEqualTo(400);
                assertThat(error.message()).startsWith("user=t: the sample has been rejected because another sample with a more recent timestamp "
                        + "has already been ingested and out-of-order samples are not allowed (err-mimir-sample-out-of-order)");
                assertThat(error.message()).contains("is from series {__name__=\"up\", job=\"a\"}");
            });
            assertThat(testing.counter("cortex_discarded_samples", "reason", "sample-out-of-order", "user", "t")).isEqualTo(1);
            assertThat(testing.counter("cortex_discarded_samples", "reason", "new-value-for-timestamp", "user", "t")).isEqualTo(1);
            assertThat(testing.counter("cortex_discarded_samples", "reason", "sample-too-old", "user", "t")).isEqualTo(1);
            assertThat(testing.counter("cortex_ingester_ingested_samples_failures")).isEqualTo(3);
            assertThat(read(ingester, "t")).containsExactly(Map.entry(UP_A, List.of(T0 + 10 * HOUR, T0 + 11 * HOUR)));

            PushResult tooOld = ingester.push("t", batch(UP_A, T0));
            assertThat(tooOld.firstError().orElseThrow().message()).contains("(err-mimir-sample-timestamp-too-old)");
            ingester.push("t", batch(UP_A, T0 + 12 * HOUR));
            PushResult duplicate = ingester.push("t", batch(Map.of(UP_A, new long[] {T0 + 12 * HOUR})));
            assertThat(duplicate.firstError()).as("same timestamp and value is accepted silently").isEmpty();
        }
    }

    @Test
    void seriesLimitsRefuseNewSeriesOnlyAndNameTheFlag() throws Exception {
        try (TestingIngester testing = ingester()) {
            Ingester ingester = testing.ingester;
            testing.overrides("t", Map.of("max_global_series_per_user", "3", "max_global_series_per_metric", "2"));
            Map<Labels, long[]> first = new LinkedHashMap<>();
            first.put(UP_A, new long[] {T0});
            first.put(UP_B, new long[] {T0});
            first.put(Labels.of("__name__", "up", "job", "c"), new long[] {T0, T0 + 1000});
            PushResult perMetric = ingester.push("t", batch(first));
            assertThat(perMetric.acceptedSamples()).isEqualTo(2);
            assertThat(perMetric.rejectedSamples()).isEqualTo(2);
            assertThat(perMetric.firstError().orElseThrow().message()).isEqualTo("user=t: per-metric series limit of 2 exceeded (err-mimir-max-series-per-metric). "
                    + "To adjust the related per-tenant limit, configure -ingester.max-global-series-per-metric, or contact your service administrator. "
                    + "This is for series {__name__=\"up\", job=\"c\"}");
            assertThat(testing.counter("cortex_discarded_samples", "reason", "per_metric_series_limit", "user", "t")).isEqualTo(2);

            Map<Labels, long[]> second = new LinkedHashMap<>();
            second.put(OTHER, new long[] {T0});
            second.put(Labels.of("__name__", "more"), new long[] {T0});
            second.put(UP_A, new long[] {T0 + 1000});
            PushResult perUser = ingester.push("t", batch(second));
            assertThat(perUser.acceptedSamples()).as("an existing series still takes samples at the limit").isEqualTo(2);
            assertThat(perUser.firstError().orElseThrow().message()).isEqualTo("user=t: per-user series limit of 3 exceeded (err-mimir-max-series-per-user). "
                    + "To adjust the related per-tenant limit, configure -ingester.max-global-series-per-user, or contact your service administrator.");
            assertThat(testing.counter("cortex_discarded_samples", "reason", "per_user_series_limit", "user", "t")).isEqualTo(1);
            assertThat(read(ingester, "t")).containsOnlyKeys(UP_A, UP_B, OTHER);

            assertThat(ingester.push("other-tenant", batch(first)).firstError()).as("limits are per tenant").isEmpty();
        }
    }

    @Test
    void seriesRemovedFromTheHeadNoLongerCountAgainstTheLimits() throws Exception {
        try (TestingIngester testing = ingester()) {
            Ingester ingester = testing.ingester;
            testing.overrides("t", Map.of("max_global_series_per_user", "2", "max_global_series_per_metric", "2"));
            ingester.push("t", batch(Map.of(UP_A, new long[] {T0}, UP_B, new long[] {T0})));
            Labels upC = Labels.of("__name__", "up", "job", "c");
            assertThat(ingester.push("t", batch(upC, T0)).firstError()).isPresent();

            ingester.flush(java.util.Set.of("t")); // the whole head becomes a block: its series leave memory
            assertThat(testing.gauge("cortex_ingester_memory_series")).isZero();
            assertThat(testing.functionCounter("cortex_ingester_memory_series_removed", "user", "t")).isEqualTo(2);
            PushResult after = ingester.push("t", batch(Map.of(upC, new long[] {T0 + 3 * HOUR}, UP_A, new long[] {T0 + 3 * HOUR})));
            assertThat(after.firstError()).isEmpty();
            assertThat(after.acceptedSamples()).isEqualTo(2);
        }
    }

    @Test
    void anEmptyLabelSetIsRefusedWithoutStoringTheBatch() throws Exception {
        try (TestingIngester testing = ingester()) {
            Map<Labels, long[]> series = new LinkedHashMap<>();
            series.put(UP_A, new long[] {T0});
            series.put(Labels.empty(), new long[] {T0});
            assertThatThrownBy(() -> testing.ingester.push("t", batch(series))).isInstanceOfSatisfying(IngesterException.class,
                    e -> assertThat(e.httpStatus()).isEqualTo(400));
            assertThat(read(testing.ingester, "t")).isEmpty();
            assertThat(testing.ingester.push("t", batch(UP_A, T0)).acceptedSamples()).as("the series is usable afterwards").isEqualTo(1);
        }
    }

    @Test
    void instanceLimitsRefuseTheWholeRequest() throws Exception {
        try (TestingIngester testing = new TestingIngester(dir, new MemoryObjectStore(),
                values -> values.with(IngesterConfig.MAX_TENANTS, 1).with(IngesterConfig.MAX_SERIES, 2L))) {
            Ingester ingester = testing.ingester;
            ingester.push("a", batch(UP_A, T0));
            assertThatThrownBy(() -> ingester.push("b", batch(UP_A, T0))).isInstanceOfSatisfying(IngesterException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.getMessage()).isEqualTo("the write request has been rejected because the ingester exceeded the allowed number of tenants "
                        + "(err-mimir-ingester-max-tenants). To adjust the related limit, configure -ingester.instance-limits.max-tenants, or contact your "
                        + "service administrator.");
            });
            ingester.push("a", batch(UP_B, T0));
            assertThatThrownBy(() -> ingester.push("a", batch(OTHER, T0))).isInstanceOf(IngesterException.class)
                    .hasMessageContaining("(err-mimir-ingester-max-series)").hasMessageContaining("-ingester.instance-limits.max-series");
            assertThat(testing.counter("cortex_ingester_instance_rejected_requests", "reason", "ingester_max_tenants")).isEqualTo(1);
            assertThat(testing.counter("cortex_ingester_instance_rejected_requests", "reason", "ingester_max_series")).isEqualTo(1);
            assertThat(testing.gauge("cortex_ingester_instance_limits", "limit", "max_tenants")).isEqualTo(1);
            assertThat(testing.gauge("cortex_ingester_instance_limits", "limit", "max_inflight_push_requests")).isEqualTo(30000);
            assertThat(read(ingester, "a")).containsOnlyKeys(UP_A, UP_B);
        }
    }

    @Test
    void theInstanceIngestionRateLimitRefusesPushesOnceTheAverageReachesIt() throws Exception {
        // The test's rate-update period is 1h: 10 samples in one period make 10/3600 samples/s.
        try (TestingIngester testing = new TestingIngester(dir, new MemoryObjectStore(),
                values -> values.with(IngesterConfig.MAX_INGESTION_RATE, 10 / 3600.0))) {
            Ingester ingester = testing.ingester;
            ingester.push("a", batch(UP_A, T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5, T0 + 6, T0 + 7, T0 + 8));
            ingester.tickRates();
            ingester.push("a", batch(UP_A, T0 + 9)); // 9/3600 is below the limit
            ingester.push("a", batch(UP_A, T0 + 10));
            ingester.tickRates(); // 9/3600 + 0.2 * (2/3600 - 9/3600) = 7.6/3600: below again
            ingester.push("a", batch(UP_A, T0 + 11, T0 + 12, T0 + 13, T0 + 14, T0 + 15, T0 + 16, T0 + 17, T0 + 18, T0 + 19, T0 + 20, T0 + 21, T0 + 22,
                    T0 + 23, T0 + 24, T0 + 25, T0 + 26, T0 + 27, T0 + 28, T0 + 29, T0 + 30));
            ingester.tickRates(); // 7.6/3600 + 0.2 * (20/3600 - 7.6/3600) = 10.08/3600: at the limit
            assertThatThrownBy(() -> ingester.push("a", batch(UP_A, T0 + 10))).isInstanceOfSatisfying(IngesterException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.getMessage()).contains("(err-mimir-ingester-max-ingestion-rate)").contains("-ingester.instance-limits.max-ingestion-rate");
            });
        }
    }

    @Test
    void aTenantWithAnOutOfOrderWindowIsRefusedAtPushNamingTheLimit() throws Exception {
        try (TestingIngester testing = ingester()) {
            Ingester ingester = testing.ingester;
            ingester.push("a", batch(UP_A, T0));
            testing.overrides("a", Map.of("out_of_order_time_window", "10m"));
            assertThatThrownBy(() -> ingester.push("a", batch(UP_A, T0 + 1000))).isInstanceOfSatisfying(IngesterException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(400);
                assertThat(e.getMessage()).contains("out_of_order_time_window=10m").contains("not supported yet").contains("-ingester.out-of-order-time-window");
            });
            assertThat(ingester.push("b", batch(UP_A, T0)).acceptedSamples()).as("other tenants are unaffected").isEqualTo(1);
            assertThat(read(ingester, "a")).containsExactly(Map.entry(UP_A, List.of(T0)));
        }
    }

    @Test
    void restartReplaysEveryTenantsWalBeforeAcceptingPushes() throws Exception {
        try (TestingIngester testing = ingester()) {
            testing.ingester.push("a", batch(Map.of(UP_A, new long[] {T0, T0 + 1000}, UP_B, new long[] {T0})));
            testing.ingester.push("b", batch(OTHER, T0 + 2000));
        }
        try (TestingIngester restarted = ingester()) {
            assertThat(restarted.ingester.tenantIds()).containsExactly("a", "b");
            assertThat(read(restarted.ingester, "a")).containsExactly(Map.entry(UP_A, List.of(T0, T0 + 1000)), Map.entry(UP_B, List.of(T0)));
            assertThat(read(restarted.ingester, "b")).containsExactly(Map.entry(OTHER, List.of(T0 + 2000)));
            assertThat(restarted.gauge("cortex_ingester_memory_series")).isEqualTo(3);
            assertThat(restarted.ingester.push("a", batch(UP_A, T0 + 500)).firstError()).as("replayed samples order later ones").isPresent();
        }
    }

    /**
     * A kill -9 keeps what the process handed to the OS and loses its own buffers. Copying the tenant's
     * directory while the ingester runs reads exactly what the OS has; a DB opened on the copy must hold
     * every sample whose push returned.
     */
    @Test
    void everyAcknowledgedSampleIsInTheOsWhenPushReturns() throws Exception {
        try (TestingIngester testing = ingester()) {
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long t = T0 + i * 15_000L;
                assertThat(testing.ingester.push("t", batch(UP_A, t)).acceptedSamples()).isEqualTo(1);
                expected.add(t);
            }
            Path copy = dir.resolve("copy-after-kill");
            copyTree(dir.resolve("t"), copy);
            try (DB db = DB.open(copy, DbOptionsForTest.OPTIONS)) {
                assertThat(read(db.querier(Long.MIN_VALUE, Long.MAX_VALUE))).containsExactly(Map.entry(UP_A, expected));
            }
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void userStatsReportEwmaRatesPerSource() throws Exception {
        try (TestingIngester testing = ingester()) {
            Ingester ingester = testing.ingester;
            ingester.push("t", batch(Map.of(UP_A, new long[] {T0, T0 + 1000, T0 + 2000})));
            WriteBatch rule = batch(OTHER, T0);
            rule.setSource(WriteBatch.Source.RULE);
            ingester.push("t", rule);
            assertThat(ingester.userStats("t")).isEqualTo(new UserStats(0, 2, 0, 0));

            // The test's rate-update period is 1h: the first tick sets the instant rate over it.
            ingester.tickRates();
            UserStats stats = ingester.userStats("t");
            assertThat(stats.apiIngestionRate()).isEqualTo(3 / 3600.0);
            assertThat(stats.ruleIngestionRate()).isEqualTo(1 / 3600.0);
            assertThat(stats.ingestionRate()).isCloseTo(4 / 3600.0, org.assertj.core.data.Offset.offset(1e-15));
            ingester.tickRates(); // nothing new: the average moves by alpha towards 0
            assertThat(ingester.userStats("t").apiIngestionRate()).isCloseTo(3 / 3600.0 * 0.8, org.assertj.core.data.Offset.offset(1e-15));
            assertThat(ingester.userStats("unknown")).isEqualTo(new UserStats(0, 0, 0, 0));
        }
    }
}
