/**
 * The {@code alertmanager} component: Mimir's multi-tenant Alertmanager. Each tenant's configuration
 * (Prometheus Alertmanager's format, managed through Mimir's {@code /api/v1/alerts}) and state
 * (silences, notification log) live in {@code alertmanager-storage} in Mimir's layout; alerts are
 * routed, grouped, inhibited, silenced and muted by time intervals as Prometheus Alertmanager does,
 * and sent to webhook receivers; Alertmanager's v2 API is served per tenant. Found by the launcher
 * through {@link mimir.spi.ComponentProvider}.
 */
module mimir.alertmanager {
    requires com.fasterxml.jackson.core;
    requires com.google.protobuf;
    requires dagger;
    requires jakarta.inject;
    requires java.net.http;
    requires javax.inject;
    requires micrometer.core;
    requires mimir.gotemplate;
    requires mimir.promql;
    requires mimir.proto;
    requires mimir.spi;
    requires mimir.yaml;
    requires org.snakeyaml.engine;
    requires re2j;

    provides mimir.spi.ComponentProvider with mimir.alertmanager.AlertmanagerProvider;
}
