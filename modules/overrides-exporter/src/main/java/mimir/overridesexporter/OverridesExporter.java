package mimir.overridesexporter;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import mimir.spi.Overrides;
import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * Keeps {@code cortex_limits_overrides{limit_name,user}} (each tenant with overrides, its effective
 * value of every enabled limit) and {@code cortex_limits_defaults{limit_name}} in step with the
 * runtime config: the gauges are rebuilt after every reload that changed the overrides.
 */
public final class OverridesExporter implements Service {
    private static final System.Logger LOG = System.getLogger(OverridesExporter.class.getName());

    private final OverridesExporterConfig config;
    private final Overrides overrides;
    private final MultiGauge overridesGauge;
    private final MultiGauge defaultsGauge;

    @Inject
    public OverridesExporter(OverridesExporterConfig config, Overrides overrides, MeterRegistry registry) {
        this.config = requireNonNull(config, "config is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        Limits defaults = overrides.defaults();
        for (String metric : config.enabledMetrics()) {
            if (LimitsSettings.byYamlName(metric).isEmpty() || defaults.numericValue(metric).isEmpty()) {
                throw new IllegalArgumentException("-overrides-exporter.enabled-metrics: " + metric + " is not a numeric, duration or boolean limit");
            }
        }
        this.overridesGauge = MultiGauge.builder("cortex_limits_overrides").description("Resource limit overrides applied to tenants").register(registry);
        this.defaultsGauge = MultiGauge.builder("cortex_limits_defaults").description("Resource limit defaults for tenants without overrides").register(registry);
    }

    @Override
    public String name() {
        return "overrides-exporter";
    }

    @Override
    public void start(ServiceContext context) {
        overrides.addChangeListener(this::refresh);
        refresh();
    }

    @Override
    public void stop() {
        overridesGauge.register(List.of(), true);
        defaultsGauge.register(List.of(), true);
    }

    /** Rebuilds both gauges from the current overrides. */
    synchronized void refresh() {
        List<MultiGauge.Row<?>> defaultRows = new ArrayList<>();
        Limits defaults = overrides.defaults();
        for (String metric : config.enabledMetrics()) {
            OptionalDouble value = defaults.numericValue(metric);
            if (value.isPresent()) {
                defaultRows.add(MultiGauge.Row.of(Tags.of("limit_name", metric), value.getAsDouble()));
            }
        }
        defaultsGauge.register(defaultRows, true);
        List<MultiGauge.Row<?>> overrideRows = new ArrayList<>();
        for (Map.Entry<String, Limits> tenant : overrides.tenantOverrides().entrySet()) {
            for (String metric : config.enabledMetrics()) {
                OptionalDouble value = tenant.getValue().numericValue(metric);
                if (value.isPresent()) {
                    overrideRows.add(MultiGauge.Row.of(Tags.of("limit_name", metric, "user", tenant.getKey()), value.getAsDouble()));
                }
            }
        }
        overridesGauge.register(overrideRows, true);
        LOG.log(Level.DEBUG, "overrides exported tenants=" + overrides.tenantOverrides().size() + " series=" + overrideRows.size());
    }
}
