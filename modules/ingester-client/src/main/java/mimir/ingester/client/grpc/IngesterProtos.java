package mimir.ingester.client.grpc;

import static mimir.grpccommon.convert.PrometheusProtos.labelsFromProto;
import static mimir.grpccommon.convert.PrometheusProtos.labelsToProto;
import static mimir.grpccommon.convert.PrometheusProtos.matchersFromProto;
import static mimir.grpccommon.convert.PrometheusProtos.matchersToProto;

import java.util.ArrayList;
import java.util.List;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.UserStats;
import mimir.model.Matcher;
import mimir.proto.ingesterpb.LabelMatchers;
import mimir.proto.ingesterpb.UserStatsResponse;
import mimir.proto.prompb.Exemplar;
import mimir.proto.prompb.TimeSeries;

/**
 * Conversions between the model's types and the {@code cortex.Ingester} messages (labels and matchers
 * by {@link mimir.grpccommon.convert.PrometheusProtos}). Everything read from
 * a message is checked: a conversion that cannot produce a valid value (labels out of order, an unknown
 * enum number, a regular expression that does not compile) throws {@link IllegalArgumentException}
 * with a message for the caller, which the ingester's service answers with {@code INVALID_ARGUMENT}.
 */
public final class IngesterProtos {
    private IngesterProtos() {}

    public static List<LabelMatchers> matcherSetsToProto(List<List<Matcher>> matcherSets) {
        List<LabelMatchers> result = new ArrayList<>(matcherSets.size());
        for (List<Matcher> matchers : matcherSets) {
            result.add(LabelMatchers.newBuilder().addAllMatchers(matchersToProto(matchers)).build());
        }
        return result;
    }

    public static List<List<Matcher>> matcherSetsFromProto(List<LabelMatchers> matcherSets) {
        List<List<Matcher>> result = new ArrayList<>(matcherSets.size());
        for (LabelMatchers matchers : matcherSets) {
            result.add(matchersFromProto(matchers.getMatchersList()));
        }
        return result;
    }

    public static mimir.proto.prompb.MetricMetadata metadataToProto(MetricMetadata metadata) {
        return mimir.proto.prompb.MetricMetadata.newBuilder()
                .setType(mimir.proto.prompb.MetricMetadata.MetricType.valueOf(metadata.type().name()))
                .setMetricFamilyName(metadata.metricFamilyName())
                .setHelp(metadata.help())
                .setUnit(metadata.unit())
                .build();
    }

    public static MetricMetadata metadataFromProto(mimir.proto.prompb.MetricMetadata metadata) {
        if (metadata.getType() == mimir.proto.prompb.MetricMetadata.MetricType.UNRECOGNIZED) {
            throw new IllegalArgumentException(
                    "unknown metric type " + metadata.getTypeValue() + " in the metadata of " + metadata.getMetricFamilyName());
        }
        return new MetricMetadata(metadata.getMetricFamilyName(), MetricMetadata.Type.valueOf(metadata.getType().name()), metadata.getHelp(),
                metadata.getUnit());
    }

    public static TimeSeries exemplarSeriesToProto(ExemplarSeries series) {
        TimeSeries.Builder result = TimeSeries.newBuilder().addAllLabels(labelsToProto(series.seriesLabels()));
        for (ExemplarSeries.Exemplar exemplar : series.exemplars()) {
            result.addExemplars(Exemplar.newBuilder()
                    .addAllLabels(labelsToProto(exemplar.labels()))
                    .setValue(exemplar.value())
                    .setTimestamp(exemplar.timestamp()));
        }
        return result.build();
    }

    public static ExemplarSeries exemplarSeriesFromProto(TimeSeries series) {
        List<ExemplarSeries.Exemplar> exemplars = new ArrayList<>(series.getExemplarsCount());
        for (Exemplar exemplar : series.getExemplarsList()) {
            exemplars.add(new ExemplarSeries.Exemplar(labelsFromProto(exemplar.getLabelsList()), exemplar.getValue(), exemplar.getTimestamp()));
        }
        return new ExemplarSeries(labelsFromProto(series.getLabelsList()), exemplars);
    }

    public static UserStatsResponse userStatsToProto(UserStats stats) {
        return UserStatsResponse.newBuilder()
                .setIngestionRate(stats.ingestionRate())
                .setNumSeries(stats.numSeries())
                .setApiIngestionRate(stats.apiIngestionRate())
                .setRuleIngestionRate(stats.ruleIngestionRate())
                .build();
    }

    public static UserStats userStatsFromProto(UserStatsResponse stats) {
        return new UserStats(stats.getIngestionRate(), stats.getNumSeries(), stats.getApiIngestionRate(), stats.getRuleIngestionRate());
    }
}
