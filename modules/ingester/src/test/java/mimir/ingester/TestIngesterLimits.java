package mimir.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This ingester's share of a global per-tenant limit, Mimir's conversion. */
class TestIngesterLimits {
    private static IngesterLimits.Ring ring(int replicationFactor, int ingesters) {
        return new IngesterLimits.Ring() {
            @Override
            public int replicationFactor() {
                return replicationFactor;
            }

            @Override
            public int healthyIngesters() {
                return ingesters;
            }
        };
    }

    @Test
    void aSingleIngesterEnforcesTheWholeGlobalLimit() {
        assertThat(IngesterLimits.localLimit(150_000, IngesterLimits.Ring.SINGLE)).isEqualTo(150_000);
        assertThat(IngesterLimits.localLimit(0, IngesterLimits.Ring.SINGLE)).as("0 stays unlimited").isZero();
    }

    @Test
    void theShareIsTheGlobalLimitOverIngestersTimesReplication() {
        assertThat(IngesterLimits.localLimit(150_000, ring(3, 10))).isEqualTo(45_000);
        assertThat(IngesterLimits.localLimit(10, ring(3, 4))).as("rounded up").isEqualTo(8);
        assertThat(IngesterLimits.localLimit(1, ring(1, 100))).as("never 0, which would mean unlimited").isEqualTo(1);
        assertThat(IngesterLimits.localLimit(100, ring(3, 0))).as("no healthy ingester counts as one").isEqualTo(300);
    }
}
