package mimir.ruler.eval;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import mimir.gotemplate.Fields;
import mimir.gotemplate.GoFormat;
import mimir.gotemplate.GoTime;
import mimir.gotemplate.Template;
import mimir.gotemplate.TemplateException;
import mimir.gotemplate.TemplateFunction;
import mimir.model.Labels;
import mimir.promql.parser.PromDurations;

/**
 * The templates of alerting rules' labels and annotations, as Prometheus expands them: the data
 * {@code .Labels}, {@code .ExternalLabels}, {@code .ExternalURL}, {@code .Value} with the variables
 * {@code $labels}, {@code $externalLabels}, {@code $externalURL}, {@code $value}, and the functions
 * Prometheus documents for rule templates ({@code query}, {@code first}, {@code label}, {@code value},
 * {@code humanize*}, {@code toTime}, {@code match}, {@code reReplaceAll}, {@code title}, ...).
 *
 * <p>{@code query} runs an instant query for the tenant of the rule being evaluated, at its
 * evaluation time; the evaluator binds it through {@link #QUERY}. Parsed templates are cached by text.
 */
public final class RuleTemplates {
    /** Runs a template's {@code query} call: an instant PromQL query at the evaluation time. */
    @FunctionalInterface
    public interface QueryFunction {
        List<QuerySample> query(String expr) throws Exception;
    }

    /** One element of {@code query}'s result: {@code .Labels} and {@code .Value}. */
    public record QuerySample(Map<String, String> labels, double value) implements Fields {
        @Override
        public Object field(String name) {
            return switch (name) {
                case "Labels" -> labels;
                case "Value" -> value;
                default -> throw new IllegalArgumentException(name);
            };
        }
    }

    /** The query function of the evaluation in progress on this thread. */
    public static final ScopedValue<QueryFunction> QUERY = ScopedValue.newInstance();

    private static final Map<String, TemplateFunction> FUNCTIONS = functions();

    private final Map<String, Object> parsed = new ConcurrentHashMap<>();

    /**
     * Checks that {@code text} parses, as {@code promtool check rules} does.
     *
     * @return the error, or null
     */
    public String check(String alertName, String text) {
        try {
            Template.parse("__alert_" + alertName, text, FUNCTIONS);
            return null;
        }
        catch (TemplateException e) {
            return e.getMessage();
        }
    }

    /**
     * Expands one label or annotation; a failure gives Prometheus's
     * {@code <error expanding template: ...>} text instead of throwing.
     */
    public String expand(String alertName, String text, Labels labels, double value, Map<String, String> externalLabels, String externalUrl) {
        if (!text.contains("{{")) {
            return text;
        }
        Object template = parsed.computeIfAbsent(text, t -> {
            try {
                return Template.parse("__alert_" + alertName, t, FUNCTIONS);
            }
            catch (TemplateException e) {
                return e;
            }
        });
        try {
            if (template instanceof TemplateException e) {
                throw e;
            }
            Map<String, String> labelMap = new LinkedHashMap<>();
            labels.forEach(labelMap::put);
            Map<String, Object> data = new HashMap<>();
            data.put("Labels", labelMap);
            data.put("ExternalLabels", externalLabels);
            data.put("ExternalURL", externalUrl);
            data.put("Value", value);
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("labels", labelMap);
            variables.put("externalLabels", externalLabels);
            variables.put("externalURL", externalUrl);
            variables.put("value", value);
            // The dot is a struct: an unknown field is an error, as in Prometheus.
            return ((Template) template).execute(Fields.struct(data), variables);
        }
        catch (TemplateException e) {
            return "<error expanding template: " + e.getMessage() + ">";
        }
    }

    private static Map<String, TemplateFunction> functions() {
        Map<String, TemplateFunction> f = new HashMap<>();
        f.put("query", args -> {
            if (!QUERY.isBound()) {
                throw new IllegalStateException("query is not available here");
            }
            return List.copyOf(QUERY.get().query(string(args, 0)));
        });
        f.put("first", args -> {
            List<?> samples = samples(args, 0);
            if (samples.isEmpty()) {
                throw new IllegalArgumentException("first() called on vector with no elements");
            }
            return samples.getFirst();
        });
        f.put("label", args -> {
            Object sample = arg(args, 1);
            return sample instanceof QuerySample s ? s.labels().getOrDefault(string(args, 0), "") : "";
        });
        f.put("value", args -> arg(args, 0) instanceof QuerySample s ? s.value() : 0.0);
        f.put("strvalue", args -> arg(args, 0) instanceof QuerySample s ? s.labels().getOrDefault("__value__", "") : "");
        f.put("args", args -> {
            Map<String, Object> result = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                result.put("arg" + i, args.get(i));
            }
            return result;
        });
        f.put("reReplaceAll", args -> Pattern.compile(string(args, 0)).matcher(string(args, 2)).replaceAll(goReplacement(string(args, 1))));
        f.put("match", args -> {
            try {
                return Pattern.compile(string(args, 0)).matcher(string(args, 1)).find();
            }
            catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("error parsing regexp: " + e.getMessage());
            }
        });
        f.put("title", args -> title(string(args, 0)));
        f.put("toUpper", args -> string(args, 0).toUpperCase(Locale.ROOT));
        f.put("toLower", args -> string(args, 0).toLowerCase(Locale.ROOT));
        f.put("safeHtml", args -> string(args, 0));
        f.put("stripPort", args -> stripPort(string(args, 0)));
        f.put("stripDomain", args -> stripDomain(string(args, 0)));
        f.put("graphLink", args -> "/graph?g0.expr=" + URLEncoder.encode(string(args, 0), StandardCharsets.UTF_8) + "&g0.tab=0");
        f.put("tableLink", args -> "/graph?g0.expr=" + URLEncoder.encode(string(args, 0), StandardCharsets.UTF_8) + "&g0.tab=1");
        f.put("sortByLabel", args -> {
            String label = string(args, 0);
            List<QuerySample> sorted = new ArrayList<>();
            for (Object sample : samples(args, 1)) {
                sorted.add((QuerySample) sample);
            }
            sorted.sort(Comparator.comparing(s -> s.labels().getOrDefault(label, "")));
            return List.copyOf(sorted);
        });
        f.put("humanize", args -> humanize(number(args, 0)));
        f.put("humanize1024", args -> humanize1024(number(args, 0)));
        f.put("humanizeDuration", args -> humanizeDuration(number(args, 0)));
        f.put("humanizePercentage", args -> GoFormat.sprintf("%.4g%%", List.of(number(args, 0) * 100)));
        f.put("humanizeTimestamp", args -> {
            double v = number(args, 0);
            return Double.isNaN(v) || Double.isInfinite(v) ? GoFormat.sprintf("%.4g", List.of(v)) : goTime(v).toString();
        });
        f.put("toTime", args -> goTime(number(args, 0)));
        f.put("parseDuration", args -> PromDurations.parseMillis(string(args, 0)) / 1000.0);
        f.put("pathPrefix", args -> "");
        return Map.copyOf(f);
    }

    private static Object arg(List<Object> args, int index) {
        if (index >= args.size()) {
            throw new IllegalArgumentException("wrong number of args: want at least " + (index + 1) + " got " + args.size());
        }
        return args.get(index);
    }

    private static String string(List<Object> args, int index) {
        Object value = arg(args, index);
        return value instanceof String s ? s : GoFormat.print(value);
    }

    private static List<?> samples(List<Object> args, int index) {
        Object value = arg(args, index);
        if (value instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException("wrong type for value; expected queryResult; got " + GoFormat.print(value));
    }

    /** Prometheus's convertToFloat: numbers, and strings that parse as floats. */
    private static double number(List<Object> args, int index) {
        Object value = arg(args, index);
        return switch (value) {
            case Number n -> n.doubleValue();
            case String s -> {
                try {
                    yield Double.parseDouble(s.strip());
                }
                catch (NumberFormatException e) {
                    throw new IllegalArgumentException("strconv.ParseFloat: parsing " + GoFormat.quote(s) + ": invalid syntax");
                }
            }
            case null, default -> throw new IllegalArgumentException("can't convert " + GoFormat.print(value) + " to float");
        };
    }

    /** Go's {@code ${1}}/{@code $1}/{@code $name} replacement syntax into re2j's {@code $1}/{@code ${name}}. */
    private static String goReplacement(String replacement) {
        return replacement.replaceAll("\\$\\{([0-9]+)\\}", "\\$$1");
    }

    static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFormat.sprintf("%.4g", List.of(v));
        }
        String prefix = "";
        if (Math.abs(v) >= 1) {
            for (String p : new String[] {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
                if (Math.abs(v) < 1000) {
                    break;
                }
                prefix = p;
                v /= 1000;
            }
        }
        else {
            for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
                if (Math.abs(v) >= 1) {
                    break;
                }
                prefix = p;
                v *= 1000;
            }
        }
        return GoFormat.sprintf("%.4g", List.of(v)) + prefix;
    }

    static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFormat.sprintf("%.4g", List.of(v));
        }
        String prefix = "";
        for (String p : new String[] {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
            if (Math.abs(v) < 1024) {
                break;
            }
            prefix = p;
            v /= 1024;
        }
        return GoFormat.sprintf("%.4g", List.of(v)) + prefix;
    }

    static String humanizeDuration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFormat.sprintf("%.4g", List.of(v));
        }
        if (v == 0) {
            return GoFormat.sprintf("%.4gs", List.of(v));
        }
        if (Math.abs(v) >= 1) {
            String sign = v < 0 ? "-" : "";
            v = Math.abs(v);
            long duration = (long) v;
            long seconds = duration % 60;
            long minutes = (duration / 60) % 60;
            long hours = (duration / 3600) % 24;
            long days = duration / 86400;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + GoFormat.sprintf("%.4gs", List.of(v));
        }
        String prefix = "";
        for (String p : new String[] {"m", "u", "n", "p", "f", "a", "z", "y"}) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return GoFormat.sprintf("%.4g", List.of(v)) + prefix + "s";
    }

    /** A Go {@code time.Time} of Unix seconds (prints as Go prints it; {@code .Format}, {@code .Unix}, ...). */
    static GoTime goTime(double seconds) {
        long nanos = (long) (seconds * 1e9);
        return new GoTime(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)), false);
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(start ? Character.toTitleCase(c) : c);
            start = !Character.isLetterOrDigit(c) && c != '_' && c != '\'';
        }
        return out.toString();
    }

    private static String stripPort(String hostPort) {
        try {
            URI uri = new URI("tcp://" + hostPort);
            if (uri.getHost() != null && uri.getPort() >= 0) {
                String host = uri.getHost();
                return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            }
        }
        catch (java.net.URISyntaxException e) {
            // Not host:port: returned unchanged, as Prometheus does.
        }
        return hostPort;
    }

    private static String stripDomain(String hostPort) {
        String host = hostPort;
        String port = "";
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(':') == colon) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon);
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return hostPort;
        }
        int dot = host.indexOf('.');
        return (dot < 0 ? host : host.substring(0, dot)) + port;
    }
}
