/**
 * Go's {@code text/template} language (the syntax, actions, pipelines, variables, nested template
 * definitions and the built-in functions of Go's package), executed over plain Java values: the
 * templates of Prometheus rule labels and annotations, and of Alertmanager notifications, are written
 * in it. Callers add their own functions ({@code humanize}, {@code query}, ...).
 *
 * <p>Hand-written because no JVM implementation is served by the registries reachable here (gotmpl4j
 * and gotemplate4j are not on Maven Central's mirror of this build); it is a language, not a format, so
 * it is kept to what Go documents and tested against Go's documented outputs.
 */
module mimir.gotemplate {
    exports mimir.gotemplate;
}
