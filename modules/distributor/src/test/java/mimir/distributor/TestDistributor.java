package mimir.distributor;

import static mimir.distributor.DistributorFixture.NOW;
import static mimir.distributor.DistributorFixture.TENANT;
import static mimir.distributor.DistributorFixture.series;
import static mimir.distributor.DistributorFixture.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.distributor.client.PushOutcome;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.prompb.Exemplar;
import mimir.proto.prompb.Sample;
import mimir.proto.prompb.TimeSeries;
import mimir.proto.prompb.WriteRequest;
import mimir.proto.prompb.write.v2.Request;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpResponse;
import mimir.testing.TestingHttpRoutes;
import org.junit.jupiter.api.Test;

class TestDistributor {
    private static final Map<Setting<?>, Object> NO_SETTINGS = Map.of();

    private static WriteRequest request(TimeSeries... series) {
        return WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build();
    }

    /** A request of one series {@code up{job}} with {@code samples} samples. */
    static WriteRequest samples(String job, int samples) {
        TimeSeries.Builder series = series("__name__", "up", "job", job).toBuilder().clearSamples();
        for (int i = 0; i < samples; i++) {
            series.addSamples(Sample.newBuilder().setTimestamp(NOW.toEpochMilli() - i).setValue(i));
        }
        return request(series.build());
    }

    @Test
    void storesAValidRequestAndCountsIt() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();

        HttpResponse response = fixture.push(samples("a", 3));

        assertThat(response.status()).isEqualTo(200);
        assertThat(fixture.ingester.storedSeries()).containsExactly("{__name__=\"up\", job=\"a\"}");
        assertThat(fixture.ingester.storedSamples()).isEqualTo(3);
        assertThat(fixture.counter("cortex_distributor_requests_in", "user", TENANT)).isEqualTo(1);
        assertThat(fixture.counter("cortex_distributor_samples_in", "user", TENANT)).isEqualTo(3);
        assertThat(fixture.counter("cortex_distributor_received_samples", "user", TENANT)).isEqualTo(3);
    }

    @Test
    void aSeriesSentAgainReachesTheIngesterAsTheIngestersOwnLabelsUntilTheLimitsChange() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        fixture.ingester.ownInstances = new java.util.HashMap<>();
        WriteRequest request = request(series("__name__", "up", "instance", "a:9100", "job", "node"));

        assertThat(fixture.push(request).status()).isEqualTo(200);
        assertThat(fixture.push(request).status()).isEqualTo(200);
        assertThat(fixture.push(request).status()).isEqualTo(200);

        List<TestingIngester.StoredSeries> stored = fixture.ingester.series;
        Labels own = fixture.ingester.ownInstances.values().iterator().next();
        assertThat(stored.get(0).labels()).isNotSameAs(own);
        // The second push found the ingester's instance in the series cache, and so did the third.
        assertThat(stored.get(1).labels()).isSameAs(own);
        assertThat(stored.get(2).labels()).isSameAs(own);

        // Cached series were validated under the old limits: under stricter ones they are checked again.
        fixture.core.testingOverrides().set(Map.of(TENANT, mimir.spi.limits.Limits.defaults().withOverrides(Map.of("max_label_names_per_series", "2"))));
        HttpResponse refused = fixture.push(request);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("err-mimir-max-label-names-per-series");
        assertThat(stored).hasSize(3);
    }

    @Test
    void relabeledSeriesAreNotTakenFromTheSeriesCache() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of("drop_labels", List.of("instance"))).start();
        fixture.ingester.ownInstances = new java.util.HashMap<>();
        WriteRequest request = request(series("__name__", "up", "instance", "a:9100", "job", "node"));

        for (int i = 0; i < 3; i++) {
            assertThat(fixture.push(request).status()).isEqualTo(200);
        }
        assertThat(fixture.ingester.storedSeries()).containsOnly("{__name__=\"up\", job=\"node\"}");
        assertThat(fixture.distributor.seriesCache(TENANT)).isNull();
    }

    @Test
    void acceptsABodyWithoutContentEncodingOrTypeAsSnappyRemoteWrite1() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        HttpResponse response = fixture.push(snappy(samples("a", 1).toByteArray()));
        assertThat(response.status()).isEqualTo(200);
        assertThat(fixture.ingester.storedSamples()).isEqualTo(1);
    }

    @Test
    void startFailsWithoutTheIngesterRing() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of(), false);
        assertThatThrownBy(() -> fixture.distributor.start(cause -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the distributor needs the ingester ring (module ingester-ring) to find the ingesters");
    }

    @Test
    void remoteWrite2AnswersWithTheWrittenCountsHeaders() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        long now = NOW.toEpochMilli();
        Request request = Request.newBuilder()
                .addSymbols("").addSymbols("__name__").addSymbols("up").addSymbols("job").addSymbols("a").addSymbols("trace_id").addSymbols("t1")
                .addTimeseries(mimir.proto.prompb.write.v2.TimeSeries.newBuilder()
                        .addLabelsRefs(1).addLabelsRefs(2).addLabelsRefs(3).addLabelsRefs(4)
                        .addSamples(mimir.proto.prompb.write.v2.Sample.newBuilder().setTimestamp(now - 1).setValue(1))
                        .addSamples(mimir.proto.prompb.write.v2.Sample.newBuilder().setTimestamp(now).setValue(2))
                        .addExemplars(mimir.proto.prompb.write.v2.Exemplar.newBuilder().addLabelsRefs(5).addLabelsRefs(6).setTimestamp(now)))
                // A series without a metric name: the response is a 400 and still carries the headers.
                .addTimeseries(mimir.proto.prompb.write.v2.TimeSeries.newBuilder()
                        .addLabelsRefs(3).addLabelsRefs(4)
                        .addSamples(mimir.proto.prompb.write.v2.Sample.newBuilder().setTimestamp(now).setValue(2)))
                .build();

        HttpResponse response = fixture.push(snappy(request.toByteArray()), "Content-Encoding", "snappy",
                "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request");

        assertThat(response.status()).isEqualTo(400);
        assertThat(TestingHttpRoutes.body(response)).contains("received series has no metric name");
        assertThat(response.headers()).containsEntry("X-Prometheus-Remote-Write-Samples-Written", "2")
                .containsEntry("X-Prometheus-Remote-Write-Histograms-Written", "0")
                .containsEntry("X-Prometheus-Remote-Write-Exemplars-Written", "1");
        assertThat(fixture.ingester.storedSeries()).containsExactly("{__name__=\"up\", job=\"a\"}");

        HttpResponse rw1 = fixture.push(samples("b", 1));
        assertThat(rw1.headers()).doesNotContainKey("X-Prometheus-Remote-Write-Samples-Written");
    }

    @Test
    void ingestionRateAndBurstAreEnforcedPerTenant() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of("ingestion_rate", "10", "ingestion_burst_size", "20")).start();

        assertThat(fixture.push(samples("a", 15)).status()).isEqualTo(200);
        HttpResponse limited = fixture.push(samples("a", 10));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(TestingHttpRoutes.body(limited)).isEqualTo("the request has been rejected because the tenant exceeded the ingestion rate limit, set "
                + "to 10 items/s with a maximum allowed burst of 20. This limit is applied on the total number of samples, exemplars and metadata "
                + "received across all distributors (err-mimir-tenant-max-ingestion-rate). To adjust the related per-tenant limits, configure "
                + "-distributor.ingestion-rate-limit and -distributor.ingestion-burst-size, or contact your service administrator.\n");
        assertThat(fixture.counter("cortex_discarded_samples", "reason", "rate_limited", "user", TENANT)).isEqualTo(10);

        fixture.core.testingClock().advance(Duration.ofSeconds(1));
        assertThat(fixture.push(samples("a", 10)).status()).isEqualTo(200);

        HttpResponse burst = fixture.push(samples("a", 25));
        assertThat(burst.status()).isEqualTo(429);
        assertThat(TestingHttpRoutes.body(burst)).startsWith("the request has been rejected because the tenant exceeded the ingestion burst size limit, "
                + "set to 20, with 25 items.");
        assertThat(fixture.ingester.storedSamples()).isEqualTo(25);
    }

    @Test
    void retryableAnswersCarryRetryAfterAndOthersDoNot() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of("request_rate", "1", "request_burst_size", "1")).start();
        assertThat(fixture.push(samples("a", 1)).headers()).doesNotContainKey("Retry-After");
        HttpResponse limited = fixture.push(snappy(samples("a", 1).toByteArray()), "Retry-Attempt", "3");
        assertThat(limited.status()).isEqualTo(429);
        // 6s * 2^(3-1) = 24s, with up to 50 % jitter.
        assertThat(Long.parseLong(limited.headers().get("Retry-After"))).isBetween(12L, 36L);
        fixture.core.testingClock().advance(Duration.ofSeconds(1));
        HttpResponse invalid = fixture.push(request(series("job", "no-name")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.headers()).doesNotContainKey("Retry-After");
    }

    @Test
    void retryAfterDoublesPerAttemptWithinTheBackoffBounds() {
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 1_000; i++) {
            assertThat(DistributorHttpApi.retryAfterSeconds("", 6, 96, random)).isBetween(6L, 9L);
            assertThat(DistributorHttpApi.retryAfterSeconds("2", 6, 96, random)).isBetween(6L, 18L);
            assertThat(DistributorHttpApi.retryAfterSeconds("30", 6, 96, random)).isBetween(48L, 96L);
            assertThat(DistributorHttpApi.retryAfterSeconds("junk", 6, 96, random)).isBetween(6L, 9L);
        }
    }

    @Test
    void requestRateIsEnforcedWhenSet() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of("request_rate", "1", "request_burst_size", "1")).start();

        assertThat(fixture.push(samples("a", 1)).status()).isEqualTo(200);
        HttpResponse limited = fixture.push(samples("a", 1));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(TestingHttpRoutes.body(limited)).isEqualTo("the request has been rejected because the tenant exceeded the request rate limit, set "
                + "to 1 requests/s across all distributors with a maximum allowed burst of 1 (err-mimir-tenant-max-request-rate). To adjust the "
                + "related per-tenant limits, configure -distributor.request-rate-limit and -distributor.request-burst-size, or contact your "
                + "service administrator.\n");
        fixture.core.testingClock().advance(Duration.ofSeconds(1));
        assertThat(fixture.push(samples("a", 1)).status()).isEqualTo(200);
    }

    @Test
    void instanceLimitsRefuseWithMimirsMessages() throws Exception {
        DistributorFixture bytes = new DistributorFixture(Map.of(DistributorConfig.MAX_INFLIGHT_PUSH_REQUESTS_BYTES, 10L), Map.of()).start();
        HttpResponse refused = bytes.push(samples("a", 1));
        assertThat(refused.status()).isEqualTo(500);
        assertThat(TestingHttpRoutes.body(refused)).isEqualTo("the write request has been rejected because the distributor exceeded the allowed total "
                + "size in bytes of inflight push requests (err-mimir-distributor-max-inflight-push-requests-bytes). To adjust the related limit, "
                + "configure -distributor.instance-limits.max-inflight-push-requests-bytes, or contact your service administrator.\n");

        DistributorFixture rate = new DistributorFixture(Map.of(DistributorConfig.MAX_INGESTION_RATE, 5.0), Map.of()).start();
        assertThat(rate.push(samples("a", 10)).status()).isEqualTo(200);
        rate.core.testingClock().advance(Duration.ofSeconds(1));
        HttpResponse overRate = rate.push(samples("a", 1));
        assertThat(overRate.status()).isEqualTo(500);
        assertThat(TestingHttpRoutes.body(overRate)).contains("(err-mimir-distributor-max-ingestion-rate)");
        assertThat(rate.core.simpleMeterRegistry().find("cortex_distributor_inflight_push_requests").gauge().value()).isZero();
    }

    @Test
    void ingesterErrorsBecomeTheResponse() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        fixture.ingester.refuseFirstSample = new PushResult.PushError(400, "the sample has been rejected because its timestamp is too old "
                + "(err-mimir-sample-timestamp-too-old)");
        HttpResponse partial = fixture.push(samples("a", 3));
        assertThat(partial.status()).isEqualTo(400);
        assertThat(TestingHttpRoutes.body(partial)).contains("(err-mimir-sample-timestamp-too-old)");
        assertThat(fixture.ingester.storedSamples()).isEqualTo(2);

        fixture.ingester.failure = new IngesterException(503, "ingester is stopping");
        HttpResponse failed = fixture.push(samples("a", 1));
        assertThat(failed.status()).isEqualTo(503);
        assertThat(TestingHttpRoutes.body(failed)).isEqualTo("ingester is stopping\n");
    }

    @Test
    void relabelConfigsAndDropLabelsRewriteSeriesBeforeValidation() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of(
                "drop_labels", List.of("pod"),
                "metric_relabel_configs", List.of(
                        Map.of("source_labels", List.of("job"), "regex", "drop-.*", "action", "drop"),
                        Map.of("source_labels", List.of("instance"), "regex", "(.+):\\d+", "target_label", "host", "replacement", "$1"),
                        // RE2 semantics, anchored: "a" does not match inside "xay".
                        Map.of("source_labels", List.of("job"), "regex", "a", "target_label", "matched", "replacement", "yes")))).start();

        HttpResponse response = fixture.push(request(
                series("__name__", "up", "job", "drop-me"),
                series("__name__", "up", "job", "xay", "instance", "node-1:9100", "pod", "p-1")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(fixture.ingester.storedSeries()).containsExactly("{__name__=\"up\", host=\"node-1\", instance=\"node-1:9100\", job=\"xay\"}");
    }

    @Test
    void overlongLabelValuesAreTruncatedWithMimirsHashWhenConfigured() throws Exception {
        String value = "x".repeat(150);
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of("max_label_value_length", "100",
                "label_value_length_over_limit_strategy", "truncate")).start();
        assertThat(fixture.push(request(series("__name__", "up", "job", value))).status()).isEqualTo(200);
        String stored = fixture.ingester.series.getFirst().labels().get("job");
        assertThat(stored).hasSize(100).startsWith("x".repeat(29) + "(hash:").endsWith(")");
        assertThat(stored).isEqualTo("x".repeat(29) + DistributorValidation.hashSuffix(value));
    }

    @Test
    void directPushOfABatchValidatesLikeRemoteWrite() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        WriteBatch batch = new WriteBatch();
        batch.addSeries(Labels.of("__name__", "bad name"));
        batch.addSample(NOW.toEpochMilli(), 1);
        batch.addSeries(Labels.of("__name__", "good"));
        batch.addSample(NOW.toEpochMilli(), 2);

        PushOutcome outcome = fixture.distributor.push(TENANT, batch);

        assertThat(outcome.status()).isEqualTo(400);
        assertThat(outcome.message()).isEqualTo("received a series with invalid metric name: 'bad name' (err-mimir-metric-name-invalid)");
        assertThat(outcome.samplesWritten()).isEqualTo(1);
        assertThat(fixture.ingester.storedSeries()).containsExactly("{__name__=\"good\"}");
        assertThat(batch.seriesCount()).as("the caller's batch is not changed").isEqualTo(2);
    }

    @Test
    void firstErrorNamesTheTotalDiscarded() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        HttpResponse response = fixture.push(request(series("job", "a"), series("job", "b"), series("__name__", "up")));
        assertThat(TestingHttpRoutes.body(response)).isEqualTo(
                "received series has no metric name (err-mimir-missing-metric-name) (discarded in this request: 2 samples)\n");
        assertThat(fixture.counter("cortex_discarded_samples", "reason", "missing_metric_name", "user", TENANT)).isEqualTo(2);
    }

    @Test
    void exemplarsAreStoredWithTheirSeries() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of()).start();
        TimeSeries series = series("__name__", "requests_total").toBuilder()
                .addExemplars(Exemplar.newBuilder().addLabels(DistributorFixture.label("trace_id", "abc")).setTimestamp(NOW.toEpochMilli()).setValue(1))
                .build();
        assertThat(fixture.push(request(series)).status()).isEqualTo(200);
        assertThat(fixture.ingester.series.getFirst().exemplars()).containsExactly(Labels.of("trace_id", "abc"));
        assertThat(fixture.counter("cortex_distributor_received_exemplars", "user", TENANT)).isEqualTo(1);
    }

    @Test
    void surplusExemplarsPerSeriesAreDroppedWithoutAnError() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of("max_exemplars_per_series_per_request", "2")).start();
        TimeSeries.Builder series = series("__name__", "requests_total").toBuilder();
        for (int i = 1; i <= 3; i++) {
            series.addExemplars(Exemplar.newBuilder().addLabels(DistributorFixture.label("trace_id", "t" + i)).setTimestamp(NOW.toEpochMilli() - i));
        }
        assertThat(fixture.push(request(series.build())).status()).isEqualTo(200);
        assertThat(fixture.ingester.series.getFirst().exemplars()).containsExactly(Labels.of("trace_id", "t1"), Labels.of("trace_id", "t2"));
        assertThat(fixture.counter("cortex_discarded_exemplars", "reason", "too_many_exemplars_per_series_per_request", "user", TENANT)).isEqualTo(1);
    }

    @Test
    void pushBeforeStartIsUnavailable() throws Exception {
        DistributorFixture fixture = new DistributorFixture(NO_SETTINGS, Map.of());
        assertThat(fixture.push(samples("a", 1)).status()).isEqualTo(503);
        assertThat(fixture.ingester.series).isEmpty();
        assertThat(Optional.of(fixture.distributor.name())).contains("distributor");
    }
}
