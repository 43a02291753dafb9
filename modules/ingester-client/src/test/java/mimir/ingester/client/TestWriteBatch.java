package mimir.ingester.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import mimir.model.Labels;

class TestWriteBatch {
    @Test
    void seriesOwnTheSamplesAndExemplarsAddedAfterThem() {
        WriteBatch batch = new WriteBatch();
        batch.addSeries(Labels.of("__name__", "a"));
        batch.addSample(1, 1.5);
        batch.addSample(2, 2.5);
        batch.addExemplar(Labels.of("trace_id", "t1"), 2, 2.5);
        batch.addSeries(Labels.of("__name__", "b"));
        batch.addSeries(Labels.of("__name__", "c"));
        batch.addSample(3, 3.5);

        assertThat(batch.seriesCount()).isEqualTo(3);
        assertThat(batch.sampleStart(0)).isEqualTo(0);
        assertThat(batch.sampleEnd(0)).isEqualTo(2);
        assertThat(batch.sampleStart(1)).isEqualTo(2);
        assertThat(batch.sampleEnd(1)).isEqualTo(2);
        assertThat(batch.sampleStart(2)).isEqualTo(2);
        assertThat(batch.sampleEnd(2)).isEqualTo(3);
        assertThat(batch.value(2)).isEqualTo(3.5);
        assertThat(batch.exemplarEnd(0)).isEqualTo(1);
        assertThat(batch.exemplarStart(2)).isEqualTo(1);
        assertThat(batch.exemplarEnd(2)).isEqualTo(1);
    }

    @Test
    void growsPastItsInitialCapacityAndKeepsEverySample() {
        WriteBatch batch = new WriteBatch();
        for (int s = 0; s < 300; s++) {
            batch.addSeries(Labels.of("i", Integer.toString(s)));
            for (int t = 0; t < 10; t++) {
                batch.addSample(t, s * 10 + t);
            }
        }
        assertThat(batch.sampleCount()).isEqualTo(3000);
        assertThat(batch.value(batch.sampleStart(299) + 9)).isEqualTo(2999);
    }

    @Test
    void retainSeriesCompactsSamplesAndExemplarsInOrder() {
        WriteBatch batch = new WriteBatch();
        for (int s = 0; s < 4; s++) {
            batch.addSeries(Labels.of("i", Integer.toString(s)));
            batch.addSample(s, s);
            batch.addSample(s + 10, s + 10);
            batch.addExemplar(Labels.of("e", Integer.toString(s)), s, s);
        }
        batch.retainSeries(new boolean[] {false, true, false, true});

        assertThat(batch.seriesCount()).isEqualTo(2);
        assertThat(batch.sampleCount()).isEqualTo(4);
        assertThat(batch.labels(0).get("i")).isEqualTo("1");
        assertThat(batch.labels(1).get("i")).isEqualTo("3");
        assertThat(batch.value(batch.sampleStart(1))).isEqualTo(3);
        assertThat(batch.value(batch.sampleEnd(1) - 1)).isEqualTo(13);
        assertThat(batch.exemplarLabels(batch.exemplarStart(1)).get("e")).isEqualTo("3");
    }

    @Test
    void clearEmptiesEverything() {
        WriteBatch batch = new WriteBatch();
        batch.addSeries(Labels.of("a", "b"));
        batch.addSample(1, 1);
        batch.addMetadata(new MetricMetadata("a", MetricMetadata.Type.GAUGE, "", ""));
        batch.setSource(WriteBatch.Source.RULE);
        batch.clear();
        assertThat(batch.seriesCount()).isZero();
        assertThat(batch.sampleCount()).isZero();
        assertThat(batch.metadata()).isEmpty();
        assertThat(batch.source()).isEqualTo(WriteBatch.Source.API);
        assertThatThrownBy(() -> batch.addSample(1, 1)).isInstanceOf(IllegalStateException.class);
    }
}
