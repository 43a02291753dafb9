/**
 * The {@code overrides-exporter} component: exports every tenant's limit overrides, and the default
 * limits, as Prometheus metrics ({@code cortex_limits_overrides{limit_name,user}},
 * {@code cortex_limits_defaults{limit_name}}) so that dashboards and alerts can compare usage with
 * limits. Found by the launcher through {@link mimir.spi.ComponentProvider}.
 */
module mimir.overridesexporter {
    requires dagger;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.spi;

    provides mimir.spi.ComponentProvider with mimir.overridesexporter.OverridesExporterProvider;
}
