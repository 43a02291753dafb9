package mimir.ingester.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import mimir.model.Labels;
import org.junit.jupiter.api.Test;

class TestGrpcIngesterClientPool {
    private static final GrpcIngesterClientConfig CONFIG = GrpcIngesterClientConfig.defaults().withPushTimeout(Duration.ofSeconds(5));

    @Test
    void oneClientPerAddressCreatedOnFirstUse() {
        try (IngesterClientPool pool = new IngesterClientPool(CONFIG)) {
            assertThat(pool.addresses()).isEmpty();
            IngesterClient first = pool.get("127.0.0.1:1");
            assertThat(pool.get("127.0.0.1:1")).isSameAs(first);
            assertThat(pool.get("127.0.0.1:2")).isNotSameAs(first);
            assertThat(pool.addresses()).containsExactly("127.0.0.1:1", "127.0.0.1:2");
        }
    }

    @Test
    void removeClosesTheClientAndTheNextGetMakesANewOne() {
        try (IngesterClientPool pool = new IngesterClientPool(CONFIG)) {
            IngesterClient removed = pool.get("127.0.0.1:1");
            pool.remove("127.0.0.1:1");
            pool.remove("127.0.0.1:9");
            assertThat(pool.addresses()).isEmpty();
            assertThatThrownBy(() -> removed.push("t", batch())).isInstanceOf(IngesterException.class)
                    .hasMessageContaining("127.0.0.1:1").hasMessageContaining("UNAVAILABLE");
            assertThat(pool.get("127.0.0.1:1")).isNotSameAs(removed);
        }
    }

    @Test
    void aClosedPoolClosesItsClientsAndRefusesNewOnes() {
        IngesterClientPool pool = new IngesterClientPool(CONFIG);
        IngesterClient client = pool.get("127.0.0.1:1");
        pool.close();
        assertThat(pool.addresses()).isEmpty();
        assertThatThrownBy(() -> client.push("t", batch())).isInstanceOf(IngesterException.class).hasMessageContaining("UNAVAILABLE");
        assertThatThrownBy(() -> pool.get("127.0.0.1:1")).isInstanceOf(IllegalStateException.class).hasMessage("ingester client pool is closed");
    }

    private static WriteBatch batch() {
        WriteBatch batch = new WriteBatch();
        batch.addSeries(Labels.of("__name__", "up"));
        batch.addSample(1, 1);
        return batch;
    }
}
