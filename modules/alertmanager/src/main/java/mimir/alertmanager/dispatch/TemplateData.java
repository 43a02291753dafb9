package mimir.alertmanager.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import mimir.alertmanager.model.Alert;
import mimir.gotemplate.Fields;
import mimir.gotemplate.GoTime;
import mimir.gotemplate.TemplateFunction;

/**
 * The data notification templates see, shaped as Alertmanager's {@code template.Data}: {@code .Receiver},
 * {@code .Status}, {@code .Alerts} (with {@code .Firing} and {@code .Resolved}), {@code .GroupLabels},
 * {@code .CommonLabels}, {@code .CommonAnnotations} (label sets with {@code .SortedPairs},
 * {@code .Names}, {@code .Values}, {@code .Remove}), {@code .ExternalURL}; each alert has
 * {@code .Status}, {@code .Labels}, {@code .Annotations}, {@code .StartsAt}, {@code .EndsAt},
 * {@code .GeneratorURL}, {@code .Fingerprint}.
 */
public final class TemplateData {
    private TemplateData() {}

    /** Alertmanager's {@code KV}: a label set whose methods come before its keys. */
    public static final class KV extends TreeMap<String, String> implements Fields {
        private static final long serialVersionUID = 1L;

        public KV(Map<String, String> values) {
            super(values);
        }

        @Override
        public Object field(String name) {
            return switch (name) {
                case "SortedPairs" -> (TemplateFunction) args -> pairs();
                case "Names" -> (TemplateFunction) args -> new ArrayList<Object>(keySet());
                case "Values" -> (TemplateFunction) args -> new ArrayList<Object>(values());
                case "Remove" -> (TemplateFunction) args -> {
                    KV copy = new KV(this);
                    if (!args.isEmpty() && args.getFirst() instanceof Collection<?> keys) {
                        keys.forEach(copy::remove);
                    }
                    return copy;
                };
                default -> getOrDefault(name, "");
            };
        }

        Pairs pairs() {
            Pairs pairs = new Pairs();
            forEach((k, v) -> pairs.add(new Pair(k, v)));
            return pairs;
        }
    }

    public record Pair(String name, String value) implements Fields {
        @Override
        public Object field(String field) {
            return switch (field) {
                case "Name" -> name;
                case "Value" -> value;
                default -> throw new IllegalArgumentException(field);
            };
        }
    }

    /** {@code Pairs}: a list with {@code .Names} and {@code .Values}. */
    public static final class Pairs extends ArrayList<Object> implements Fields {
        private static final long serialVersionUID = 1L;

        @Override
        public Object field(String name) {
            return switch (name) {
                case "Names" -> (TemplateFunction) args -> stream().map(p -> (Object) ((Pair) p).name()).toList();
                case "Values" -> (TemplateFunction) args -> stream().map(p -> (Object) ((Pair) p).value()).toList();
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    /** {@code Alerts}: a list with {@code .Firing} and {@code .Resolved}. */
    public static final class Alerts extends ArrayList<Object> implements Fields {
        private static final long serialVersionUID = 1L;

        @Override
        public Object field(String name) {
            return switch (name) {
                case "Firing" -> (TemplateFunction) args -> filter("firing");
                case "Resolved" -> (TemplateFunction) args -> filter("resolved");
                default -> throw new IllegalArgumentException(name);
            };
        }

        private Alerts filter(String status) {
            Alerts result = new Alerts();
            for (Object alert : this) {
                if (((Fields) alert).field("Status").equals(status)) {
                    result.add(alert);
                }
            }
            return result;
        }
    }

    /** The data of one notification. */
    public static Fields of(Webhook.Message message, long now) {
        Alerts alerts = new Alerts();
        for (Alert alert : message.alerts()) {
            Map<String, Object> fields = new TreeMap<>();
            boolean resolved = alert.resolvedAt(now);
            fields.put("Status", resolved ? "resolved" : "firing");
            fields.put("Labels", new KV(alert.labels()));
            fields.put("Annotations", new KV(alert.annotations()));
            fields.put("StartsAt", GoTime.ofMillis(alert.startsAt()));
            fields.put("EndsAt", resolved ? GoTime.ofMillis(alert.endsAt()) : GoTime.ZERO);
            fields.put("GeneratorURL", alert.generatorUrl());
            fields.put("Fingerprint", alert.fingerprintHex());
            alerts.add(Fields.struct(fields));
        }
        Map<String, Object> data = new TreeMap<>();
        data.put("Receiver", message.receiver());
        data.put("Status", message.alerts().stream().anyMatch(a -> !a.resolvedAt(now)) ? "firing" : "resolved");
        data.put("Alerts", alerts);
        data.put("GroupLabels", new KV(message.groupLabels()));
        data.put("CommonLabels", new KV(Webhook.common(message.alerts(), true)));
        data.put("CommonAnnotations", new KV(Webhook.common(message.alerts(), false)));
        data.put("ExternalURL", message.externalUrl());
        return Fields.struct(data);
    }
}
