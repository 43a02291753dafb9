package mimir.distributor;

import static mimir.distributor.DistributorFixture.TENANT;
import static mimir.distributor.DistributorFixture.series;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import mimir.proto.prompb.WriteRequest;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpResponse;
import mimir.testing.TestingHttpRoutes;
import org.junit.jupiter.api.Test;

class TestDistributorHaTracker {
    private static final Map<Setting<?>, Object> ENABLED = Map.of(DistributorConfig.HA_TRACKER_ENABLED, true);

    private static WriteRequest from(String cluster, String replica) {
        return WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "up", "cluster", cluster, "__replica__", replica, "job", "a"))
                .addTimeseries(series("__name__", "up", "cluster", cluster, "__replica__", replica, "job", "b"))
                .build();
    }

    private static DistributorFixture fixture(Map<String, ?> limits) throws Exception {
        return new DistributorFixture(ENABLED, limits).start();
    }

    @Test
    void storesOnlyTheElectedReplicaWithoutTheReplicaLabel() throws Exception {
        DistributorFixture fixture = fixture(Map.of("accept_ha_samples", "true"));

        assertThat(fixture.push(from("prod", "r1")).status()).isEqualTo(200);
        HttpResponse deduped = fixture.push(from("prod", "r2"));

        assertThat(deduped.status()).isEqualTo(202);
        assertThat(TestingHttpRoutes.body(deduped)).isEqualTo("replicas did not match, rejecting sample: replica=r2, elected=r1\n");
        assertThat(fixture.ingester.storedSeries()).containsExactly("{__name__=\"up\", cluster=\"prod\", job=\"a\"}",
                "{__name__=\"up\", cluster=\"prod\", job=\"b\"}");
        assertThat(fixture.counter("cortex_distributor_deduped_samples", "user", TENANT, "cluster", "prod")).isEqualTo(2);
    }

    @Test
    void failsOverAfterTheFailoverTimeoutOfSilence() throws Exception {
        DistributorFixture fixture = fixture(Map.of("accept_ha_samples", "true"));
        assertThat(fixture.push(from("prod", "r1")).status()).isEqualTo(200);

        fixture.core.testingClock().advance(Duration.ofSeconds(20));
        assertThat(fixture.push(from("prod", "r2")).status()).as("r1 was heard from 20s ago").isEqualTo(202);
        fixture.core.testingClock().advance(Duration.ofSeconds(11));
        assertThat(fixture.push(from("prod", "r2")).status()).as("31s of silence from r1").isEqualTo(200);
        assertThat(fixture.push(from("prod", "r1")).status()).isEqualTo(202);
        assertThat(fixture.counter("cortex_ha_tracker_elected_replica_changes", "user", TENANT, "cluster", "prod")).isEqualTo(1);
    }

    @Test
    void theElectedReplicaKeepsItsElectionWhileItSends() throws Exception {
        DistributorFixture fixture = fixture(Map.of("accept_ha_samples", "true"));
        for (int i = 0; i < 4; i++) {
            assertThat(fixture.push(from("prod", "r1")).status()).isEqualTo(200);
            fixture.core.testingClock().advance(Duration.ofSeconds(16));
        }
        assertThat(fixture.push(from("prod", "r2")).status()).isEqualTo(202);
    }

    @Test
    void refusesMoreClustersThanTheLimit() throws Exception {
        DistributorFixture fixture = fixture(Map.of("accept_ha_samples", "true", "ha_max_clusters", "1"));
        assertThat(fixture.push(from("one", "r1")).status()).isEqualTo(200);
        HttpResponse refused = fixture.push(from("two", "r1"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(TestingHttpRoutes.body(refused)).isEqualTo("the write request has been rejected because the maximum number of high-availability "
                + "(HA) clusters has been reached for this tenant (limit: 1) (err-mimir-tenant-too-many-ha-clusters). To adjust the related "
                + "per-tenant limit, configure -distributor.ha-tracker.max-clusters, or contact your service administrator.\n");
        assertThat(fixture.counter("cortex_discarded_samples", "reason", "too_many_ha_clusters", "user", TENANT)).isEqualTo(2);
    }

    @Test
    void doesNothingForTenantsThatDoNotAcceptHaSamples() throws Exception {
        DistributorFixture fixture = fixture(Map.of());
        assertThat(fixture.push(from("prod", "r1")).status()).isEqualTo(200);
        assertThat(fixture.push(from("prod", "r2")).status()).isEqualTo(200);
        assertThat(fixture.ingester.storedSeries()).hasSize(4).allMatch(s -> s.contains("__replica__"));
    }

    @Test
    void statusPageListsElections() throws Exception {
        DistributorFixture fixture = fixture(Map.of("accept_ha_samples", "true"));
        fixture.push(from("prod", "r1"));
        HttpResponse page = fixture.core.routes().get(DistributorHttpApi.HA_TRACKER_PATH, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(TestingHttpRoutes.body(page)).contains("<td>" + TENANT + "</td><td>prod</td><td>r1</td>").contains("<td>15s</td><td>30s</td>");
    }
}
