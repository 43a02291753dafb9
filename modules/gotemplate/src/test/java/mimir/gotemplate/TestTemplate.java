package mimir.gotemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Go's text/template behaviour, with the outputs Go's documentation and tests give for the same input. */
class TestTemplate {
    private static String run(String text, Object dot) throws TemplateException {
        return Template.parse("t", text).execute(dot);
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void fieldsVariablesAndTrimMarkers() throws TemplateException {
        assertThat(run("Hello, {{ .Name }}!", map("Name", "Bob"))).isEqualTo("Hello, Bob!");
        // The trim markers of Go's documentation: "{{23 -}} < {{- 45}}" is "23<45".
        assertThat(run("{{23 -}} < {{- 45}}", null)).isEqualTo("23<45");
        assertThat(run("{{ $x := .A }}{{ $x }}-{{ $x = \"b\" }}{{ $x }}", map("A", "a"))).isEqualTo("a-b");
        assertThat(run("{{ .A.B }}", map("A", map("B", "deep")))).isEqualTo("deep");
        assertThat(run("[{{ .Missing }}]", map())).isEqualTo("[]");
        assertThat(run("a{{/* a comment */}}b{{- /* trimmed */ -}} c", null)).isEqualTo("abc");
    }

    @Test
    void conditionalsAndLoops() throws TemplateException {
        assertThat(run("{{ if .A }}yes{{ else if .B }}b{{ else }}no{{ end }}", map("A", false, "B", "x"))).isEqualTo("b");
        assertThat(run("{{ if and .A (not .B) }}ok{{ end }}", map("A", 1L, "B", ""))).isEqualTo("ok");
        assertThat(run("{{ range $i, $v := .L }}{{ $i }}={{ $v }} {{ end }}", map("L", List.of("a", "b")))).isEqualTo("0=a 1=b ");
        assertThat(run("{{ range .L }}{{ . }}{{ else }}empty{{ end }}", map("L", List.of()))).isEqualTo("empty");
        // Maps are visited in key order, as Go does.
        assertThat(run("{{ range $k, $v := . }}{{ $k }}:{{ $v }};{{ end }}", map("b", "2", "a", "1"))).isEqualTo("a:1;b:2;");
        assertThat(run("{{ range . }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}", List.of(1L, 2L, 3L))).isEqualTo("1");
        assertThat(run("{{ with .A }}{{ . }}{{ else }}none{{ end }}", map("A", ""))).isEqualTo("none");
    }

    @Test
    void definitionsAndBlocks() throws TemplateException {
        Template template = Template.parse("t", "{{ define \"greet\" }}hi {{ . }}{{ end }}{{ template \"greet\" .Name }}!");
        assertThat(template.execute(map("Name", "ann"))).isEqualTo("hi ann!");
        assertThat(template.executeDefinition("greet", "bo")).isEqualTo("hi bo");
        Template extended = template.withDefinitions("more", "{{ define \"bye\" }}bye {{ . }}{{ end }}");
        assertThat(extended.executeDefinition("bye", "cy")).isEqualTo("bye cy");
        assertThat(run("{{ block \"b\" . }}default {{ . }}{{ end }}", "x")).isEqualTo("default x");
    }

    @Test
    void builtinsAndPipelines() throws TemplateException {
        assertThat(run("{{ printf \"%.2f|%5d|%-4s|%q|%x|%v\" 3.14159 42 \"ab\" \"q\" 255 1e6 }}", null))
                .isEqualTo("3.14|   42|ab  |\"q\"|ff|1e+06");
        assertThat(run("{{ 3.5 | printf \"%v\" }}", null)).isEqualTo("3.5");
        assertThat(run("{{ len .L }} {{ index .L 1 }} {{ index .M \"k\" }}", map("L", List.of("a", "b"), "M", map("k", "v")))).isEqualTo("2 b v");
        assertThat(run("{{ print 1 2 \"a\" 3 }}", null)).isEqualTo("1 2a3");
        assertThat(run("{{ html \"<a href='x'>\" }} {{ urlquery \"a b&c\" }} {{ js \"it's\" }}", null))
                .isEqualTo("&lt;a href=&#39;x&#39;&gt; a+b%26c it\\'s");
        assertThat(run("{{ if lt 1 2.5 }}lt{{ end }} {{ eq \"a\" \"b\" \"a\" }} {{ ne 1 2 }}", null)).isEqualTo("lt true true");
        assertThat(run("{{ slice \"hello\" 1 3 }}", null)).isEqualTo("el");
    }

    @Test
    void goFloatFormatting() {
        assertThat(GoFormat.print(123456.0)).isEqualTo("123456");
        assertThat(GoFormat.print(1234567.0)).isEqualTo("1.234567e+06");
        assertThat(GoFormat.print(0.0001)).isEqualTo("0.0001");
        assertThat(GoFormat.print(0.00001)).isEqualTo("1e-05");
        assertThat(GoFormat.print(100.0)).isEqualTo("100");
        assertThat(GoFormat.sprintf("%.4g", List.of(21.5))).isEqualTo("21.5");
        assertThat(GoFormat.sprintf("%.4g", List.of(1234567.0))).isEqualTo("1.235e+06");
        assertThat(GoFormat.sprintf("%.3e|%e", List.of(1234.5678, 0.0))).isEqualTo("1.235e+03|0.000000e+00");
        assertThat(GoFormat.formatE(21.5, -1, false)).isEqualTo("2.15e+01");
        assertThat(GoFormat.formatE(1, -1, false)).isEqualTo("1e+00");
        assertThat(GoFormat.sprintf("%d %s", List.of("x"))).isEqualTo("%!d(string=x) %!s(MISSING)");
        assertThat(GoFormat.sprintf("%d", List.of(1L, 2L))).isEqualTo("1%!(EXTRA int=2)");
    }

    @Test
    void parseAndExecutionErrorsReadLikeGo() {
        assertThatThrownBy(() -> Template.parse("x", "{{ .A "))
                .isInstanceOf(TemplateException.class).hasMessage("template: x:1: unclosed action");
        assertThatThrownBy(() -> Template.parse("x", "{{ nosuch 1 }}"))
                .isInstanceOf(TemplateException.class).hasMessage("template: x:1: function \"nosuch\" not defined");
        assertThatThrownBy(() -> Template.parse("x", "a\n{{ if .A }}b"))
                .isInstanceOf(TemplateException.class).hasMessage("template: x:2: unexpected EOF");
        assertThatThrownBy(() -> run("{{ template \"none\" }}", null))
                .isInstanceOf(TemplateException.class).hasMessageContaining("template \"none\" not defined");
        assertThatThrownBy(() -> run("{{ index .L 5 }}", map("L", List.of())))
                .isInstanceOf(TemplateException.class).hasMessageContaining("error calling index: index out of range: 5");
    }

    /** A value with Go-style methods: {@code .Names} (no arguments) and {@code .Without} (one). */
    private record Labelled(java.util.TreeMap<String, String> labels) implements Fields {
        @Override
        public Object field(String name) {
            return switch (name) {
                case "Names" -> (TemplateFunction) args -> List.copyOf(labels.keySet());
                case "Without" -> (TemplateFunction) args -> {
                    java.util.TreeMap<String, String> copy = new java.util.TreeMap<>(labels);
                    ((List<?>) args.getFirst()).forEach(copy::remove);
                    return new Labelled(copy);
                };
                default -> labels.getOrDefault(name, "");
            };
        }
    }

    @Test
    void methodsAreCalledWithTheirArgumentsOrWithoutInsideChainsAndAsArguments() throws TemplateException {
        Labelled all = new Labelled(new java.util.TreeMap<>(Map.of("a", "1", "b", "2", "c", "3")));
        Labelled some = new Labelled(new java.util.TreeMap<>(Map.of("a", "1")));
        Map<String, Object> data = map("All", all, "Some", some);
        assertThat(run("{{ .All.Names }} {{ len .All.Names }} {{ .All.b }}", data)).isEqualTo("[a b c] 3 2");
        assertThat(run("{{ (.All.Without .Some.Names).Names }}", data)).isEqualTo("[b c]");
        assertThat(run("{{ with .All.Without .Some.Names }}{{ .Names }}{{ end }}", data)).isEqualTo("[b c]");
    }

    @Test
    void timesPrintAndFormatLikeGo() throws TemplateException {
        GoTime time = GoTime.ofMillis(java.time.Instant.parse("2026-06-01T15:04:05.120Z").toEpochMilli());
        assertThat(run("{{ . }}", time)).isEqualTo("2026-06-01 15:04:05.12 +0000 UTC");
        assertThat(run("{{ .Format \"2006-01-02T15:04:05Z07:00\" }}|{{ .Format \"Mon Jan _2 3:04PM\" }}|{{ .Unix }}", time))
                .isEqualTo("2026-06-01T15:04:05Z|Mon Jun  1 3:04PM|" + java.time.Instant.parse("2026-06-01T15:04:05Z").getEpochSecond());
        assertThat(run("{{ .IsZero }}", GoTime.ZERO)).isEqualTo("true");
    }

    @Test
    void callerFunctionsAndPredeclaredVariables() throws TemplateException {
        Template template = Template.parse("t", "{{ shout $name }}", Map.of("shout", args -> args.getFirst().toString().toUpperCase() + "!"));
        assertThat(template.execute(null, Map.of("name", "quiet"))).isEqualTo("QUIET!");
    }
}
