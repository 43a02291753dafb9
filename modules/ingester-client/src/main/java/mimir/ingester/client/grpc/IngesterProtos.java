package mimir.ingester.client.grpc;

import java.util.ArrayList;
import java.util.List;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.UserStats;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.proto.ingesterpb.LabelMatchers;
import mimir.proto.ingesterpb.UserStatsResponse;
import mimir.proto.prompb.Exemplar;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.LabelMatcher;
import mimir.proto.prompb.TimeSeries;

/**
 * Conversions between the model's types and the {@code cortex.Ingester} messages. Everything read from
 * a message is checked: a conversion that cannot produce a valid value (labels out of order, an unknown
 * enum number, a regular expression that does not compile) throws {@link IllegalArgumentException}
 * with a message for the caller, which the ingester's service answers with {@code INVALID_ARGUMENT}.
 */
public final class IngesterProtos {
    private IngesterProtos() {}

    public static List<Label> labelsToProto(Labels labels) {
        List<Label> result = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            result.add(Label.newBuilder().setName(labels.name(i)).setValue(labels.value(i)).build());
        }
        return result;
    }

    /**
     * Labels from a message's list, which must be sorted by name with unique names and no empty name
     * or value, as {@link #labelsToProto} writes them.
     */
    public static Labels labelsFromProto(List<Label> labels) {
        String[] pairs = new String[labels.size() * 2];
        for (int i = 0; i < labels.size(); i++) {
            Label label = labels.get(i);
            if (label.getName().isEmpty() || label.getValue().isEmpty()) {
                throw new IllegalArgumentException("label " + i + " has an empty name or value (name \"" + label.getName() + "\")");
            }
            pairs[2 * i] = label.getName();
            pairs[2 * i + 1] = label.getValue();
        }
        return Labels.ofSorted(pairs);
    }

    public static List<LabelMatcher> matchersToProto(List<Matcher> matchers) {
        List<LabelMatcher> result = new ArrayList<>(matchers.size());
        for (Matcher matcher : matchers) {
            LabelMatcher.Type type = switch (matcher.type()) {
                case EQUAL -> LabelMatcher.Type.EQ;
                case NOT_EQUAL -> LabelMatcher.Type.NEQ;
                case REGEX -> LabelMatcher.Type.RE;
                case NOT_REGEX -> LabelMatcher.Type.NRE;
            };
            result.add(LabelMatcher.newBuilder().setType(type).setName(matcher.name()).setValue(matcher.value()).build());
        }
        return result;
    }

    public static List<Matcher> matchersFromProto(List<LabelMatcher> matchers) {
        List<Matcher> result = new ArrayList<>(matchers.size());
        for (LabelMatcher matcher : matchers) {
            Matcher.Type type = switch (matcher.getType()) {
                case EQ -> Matcher.Type.EQUAL;
                case NEQ -> Matcher.Type.NOT_EQUAL;
                case RE -> Matcher.Type.REGEX;
                case NRE -> Matcher.Type.NOT_REGEX;
                case UNRECOGNIZED -> throw new IllegalArgumentException(
                        "unknown label matcher type " + matcher.getTypeValue() + " for label " + matcher.getName());
            };
            result.add(Matcher.of(type, matcher.getName(), matcher.getValue()));
        }
        return result;
    }

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
