package mimir.otlp;

import java.util.ArrayList;
import java.util.List;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;

/** Renders write batches as text lines so tests can compare whole batches and read failures. */
final class TestingBatches {
    private TestingBatches() {}

    /** One line per series: its labels then {@code timestamp=value} per sample and {@code exemplar(labels timestamp=value)}. */
    static List<String> series(WriteBatch batch) {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < batch.seriesCount(); s++) {
            StringBuilder line = new StringBuilder(batch.labels(s).toString());
            for (int i = batch.sampleStart(s); i < batch.sampleEnd(s); i++) {
                line.append(' ').append(batch.timestamp(i)).append('=').append(valueText(batch.value(i)));
            }
            for (int i = batch.exemplarStart(s); i < batch.exemplarEnd(s); i++) {
                line.append(" exemplar(").append(batch.exemplarLabels(i)).append(' ')
                        .append(batch.exemplarTimestamp(i)).append('=').append(valueText(batch.exemplarValue(i))).append(')');
            }
            lines.add(line.toString());
        }
        return lines;
    }

    static List<String> metadata(WriteBatch batch) {
        List<String> lines = new ArrayList<>();
        for (MetricMetadata entry : batch.metadata()) {
            lines.add(entry.metricFamilyName() + " " + entry.type().apiName() + " unit=" + entry.unit() + " help=" + entry.help());
        }
        return lines;
    }

    private static String valueText(double value) {
        if (Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(MetricsConverter.STALE_NAN)) {
            return "StaleNaN";
        }
        return Double.toString(value);
    }
}
