package mimir.distributor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.RingDesc;
import mimir.spi.kv.KvScope;
import mimir.spi.service.Service;
import mimir.testing.Eventually;
import mimir.testing.TestingHttpRoutes;

/** The distributor ring: distributors register, and each enforces its share of a tenant's global ingestion rate. */
class TestDistributorRing {
    @Test
    void eachDistributorEnforcesItsShareOfTheGlobalRate() throws Exception {
        DistributorFixture fixture = new DistributorFixture(Map.of(), Map.of("ingestion_rate", "100", "ingestion_burst_size", "100"));
        List<Service> services = fixture.services;
        for (Service service : services) {
            service.start(cause -> {
                throw new AssertionError(cause);
            });
        }
        try {
            var kv = fixture.core.kvStores().open(KvScope.DISTRIBUTOR_RING, RingDesc.CODEC);
            assertThat(kv.get("distributor").instances()).hasSize(1);
            // Three more healthy distributors: this one now allows a quarter of the rate.
            long now = fixture.core.clock().millis() / 1000;
            for (int i = 0; i < 3; i++) {
                String id = "other-" + i;
                kv.cas("distributor", d -> d.with(new InstanceDesc(id, id + ":9095", now, InstanceState.ACTIVE, new int[] {id.hashCode()}, "", now, false, 0)));
            }
            Eventually.assertThat(Duration.ofSeconds(5), () -> assertThat(TestingHttpRoutes.body(fixture.core.routes().get("/distributor/ring", null)))
                    .contains("other-2"));
            // The bucket is full (burst 100); 1 s later a quarter of 100/s has been refilled: 25 samples pass, 26 do not.
            assertThat(fixture.push(TestDistributor.samples("a", 100)).status()).isEqualTo(200);
            fixture.core.testingClock().advance(Duration.ofSeconds(1));
            assertThat(fixture.push(TestDistributor.samples("a", 26)).status()).isEqualTo(429);
            assertThat(fixture.push(TestDistributor.samples("a", 25)).status()).isEqualTo(200);
        }
        finally {
            for (Service service : services.reversed()) {
                service.stop();
            }
        }
    }
}
