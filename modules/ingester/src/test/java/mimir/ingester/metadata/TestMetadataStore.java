package mimir.ingester.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.MetricMetadata.Type;
import org.junit.jupiter.api.Test;

/** Per-tenant metric metadata: limits per user and per metric, refresh, purge and listing limits. */
class TestMetadataStore {
    private static MetricMetadata meta(String family, String help) {
        return new MetricMetadata(family, Type.COUNTER, help, "");
    }

    @Test
    void limitsCountFamiliesPerUserAndEntriesPerFamily() {
        MetadataStore store = new MetadataStore();
        assertThat(store.add(meta("a", "one"), 0, 2, 2)).isEqualTo(MetadataStore.Result.ADDED);
        assertThat(store.add(meta("a", "two"), 0, 2, 2)).isEqualTo(MetadataStore.Result.ADDED);
        assertThat(store.add(meta("a", "three"), 0, 2, 2)).isEqualTo(MetadataStore.Result.PER_METRIC_LIMIT);
        assertThat(store.add(meta("a", "one"), 5, 2, 2)).isEqualTo(MetadataStore.Result.REFRESHED);
        assertThat(store.add(meta("b", "one"), 0, 2, 2)).isEqualTo(MetadataStore.Result.ADDED);
        assertThat(store.add(meta("c", "one"), 0, 2, 2)).isEqualTo(MetadataStore.Result.PER_USER_LIMIT);
        assertThat(store.families()).isEqualTo(2);
        assertThat(store.list("", -1, -1)).containsExactly(meta("a", "one"), meta("a", "two"), meta("b", "one"));
    }

    @Test
    void entriesNotSeenForTheRetainPeriodArePurged() {
        MetadataStore store = new MetadataStore();
        store.add(meta("a", "old"), 1000, 0, 0);
        store.add(meta("a", "new"), 5000, 0, 0);
        store.add(meta("b", "old"), 1000, 0, 0);
        assertThat(store.purge(2000)).isEqualTo(2);
        assertThat(store.list("", -1, -1)).containsExactly(meta("a", "new"));
        assertThat(store.families()).isEqualTo(1);
    }

    @Test
    void listingHonoursMetricLimitAndLimitPerMetricNewestFirst() {
        MetadataStore store = new MetadataStore();
        store.add(meta("a", "1"), 0, 0, 0);
        store.add(meta("a", "2"), 1, 0, 0);
        store.add(meta("b", "1"), 2, 0, 0);
        assertThat(store.list("a", -1, -1)).containsExactly(meta("a", "2"), meta("a", "1"));
        assertThat(store.list("", 1, -1)).containsExactly(meta("a", "2"), meta("a", "1"));
        assertThat(store.list("", -1, 1)).containsExactly(meta("a", "2"), meta("b", "1"));
        assertThat(store.list("missing", -1, -1)).isEmpty();
    }
}
