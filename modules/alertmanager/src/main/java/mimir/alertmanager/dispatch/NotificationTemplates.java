package mimir.alertmanager.dispatch;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.re2j.Pattern;

import mimir.gotemplate.Fields;
import mimir.gotemplate.GoFormat;
import mimir.gotemplate.Template;
import mimir.gotemplate.TemplateException;
import mimir.gotemplate.TemplateFunction;

/**
 * A tenant's notification templates: the default definitions integrations use for their fields
 * ({@code slack.default.title}, ...; written for this implementation to give Alertmanager's default
 * output), then the tenant's template files named by the configuration's {@code templates} globs,
 * which may redefine them; with Alertmanager's template functions ({@code toUpper}, {@code toLower},
 * {@code title}, {@code join}, {@code match}, {@code reReplaceAll}, {@code safeHtml}, {@code trimSpace},
 * {@code stringSlice}, {@code urlUnescape}).
 */
public final class NotificationTemplates {
    static final String DEFAULTS = """
            {{ define "__alertmanager" }}Alertmanager{{ end }}
            {{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}
            {{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] \
            {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}(\
            {{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
            {{ define "__description" }}{{ end }}
            {{ define "__text_alert_list" }}{{ range . }}Labels:
            {{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
            {{ end }}Annotations:
            {{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
            {{ end }}Source: {{ .GeneratorURL }}
            {{ end }}{{ end }}
            {{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
            {{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
            {{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
            {{ define "slack.default.callbackid" }}{{ end }}
            {{ define "slack.default.pretext" }}{{ end }}
            {{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
            {{ define "slack.default.iconemoji" }}{{ end }}
            {{ define "slack.default.iconurl" }}{{ end }}
            {{ define "slack.default.text" }}{{ end }}
            {{ define "slack.default.footer" }}{{ end }}
            """;

    /** Alertmanager's template functions. */
    public static final Map<String, TemplateFunction> FUNCTIONS = functions();

    private final String definitions;
    private final Map<String, Object> cache = new ConcurrentHashMap<>();

    private NotificationTemplates(String definitions) {
        this.definitions = definitions;
    }

    /**
     * The defaults plus the template files matching {@code globs} (by file name).
     *
     * @throws TemplateException if a file does not parse
     */
    public static NotificationTemplates of(List<String> globs, Map<String, String> files) throws TemplateException {
        StringBuilder all = new StringBuilder(DEFAULTS);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Template.parse(file.getKey(), file.getValue(), FUNCTIONS);
            if (matches(globs, file.getKey())) {
                all.append(file.getValue()).append('\n');
            }
        }
        return new NotificationTemplates(all.toString());
    }

    private static boolean matches(List<String> globs, String name) {
        for (String glob : globs) {
            String pattern = Path.of(glob).getFileName() == null ? glob : Path.of(glob).getFileName().toString();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            if (matcher.matches(Path.of(name))) {
                return true;
            }
        }
        return false;
    }

    /** Expands one integration field; a failure gives the error text (and is logged by the caller), as a notification still goes out. */
    public String expand(String text, Fields data) throws TemplateException {
        if (!text.contains("{{")) {
            return text;
        }
        Object template = cache.computeIfAbsent(text, t -> {
            try {
                return Template.parse("notification", t, FUNCTIONS).withDefinitions("templates", definitions);
            }
            catch (TemplateException e) {
                return e;
            }
        });
        if (template instanceof TemplateException e) {
            throw e;
        }
        return ((Template) template).execute(data);
    }

    private static Map<String, TemplateFunction> functions() {
        Map<String, TemplateFunction> f = new LinkedHashMap<>();
        f.put("toUpper", args -> text(args, 0).toUpperCase(Locale.ROOT));
        f.put("toLower", args -> text(args, 0).toLowerCase(Locale.ROOT));
        f.put("title", args -> {
            String s = text(args, 0);
            StringBuilder out = new StringBuilder();
            boolean start = true;
            for (char c : s.toCharArray()) {
                out.append(start ? Character.toTitleCase(c) : c);
                start = !Character.isLetterOrDigit(c);
            }
            return out.toString();
        });
        f.put("trimSpace", args -> text(args, 0).strip());
        f.put("join", args -> {
            if (args.size() < 2 || !(args.get(1) instanceof Collection<?> values)) {
                throw new IllegalArgumentException("join needs a separator and a list");
            }
            List<String> parts = new ArrayList<>();
            for (Object value : values) {
                parts.add(GoFormat.print(value));
            }
            return String.join(text(args, 0), parts);
        });
        f.put("match", args -> Pattern.compile(text(args, 0)).matcher(text(args, 1)).find());
        f.put("reReplaceAll", args -> Pattern.compile(text(args, 0)).matcher(text(args, 2)).replaceAll(text(args, 1)));
        f.put("safeHtml", args -> text(args, 0));
        f.put("safeUrl", args -> text(args, 0));
        f.put("urlUnescape", args -> URLDecoder.decode(text(args, 0), StandardCharsets.UTF_8));
        f.put("urlquery", args -> URLEncoder.encode(text(args, 0), StandardCharsets.UTF_8));
        f.put("stringSlice", args -> new ArrayList<>(args));
        return Map.copyOf(f);
    }

    private static String text(List<Object> args, int index) {
        if (index >= args.size()) {
            throw new IllegalArgumentException("wrong number of args: want at least " + (index + 1) + " got " + args.size());
        }
        Object value = args.get(index);
        return value instanceof String s ? s : GoFormat.print(value);
    }
}
