package mimir.grpccommon.convert;

import java.util.ArrayList;
import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.proto.prompb.Label;
import mimir.proto.prompb.LabelMatcher;

/**
 * Conversions between the model's labels and matchers and the {@code prometheus} messages every gRPC
 * service here uses. Everything read from a message is checked: a conversion that cannot produce a
 * valid value (labels out of order, an unknown matcher type, a regular expression that does not
 * compile) throws {@link IllegalArgumentException} with a message for the caller, which a server
 * answers with {@code INVALID_ARGUMENT} and a client reports as an invalid response.
 */
public final class PrometheusProtos {
    private PrometheusProtos() {}

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
}
