package mimir.alertmanager;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import mimir.alertmanager.config.AmConfig;
import mimir.alertmanager.config.AmConfigParser;
import mimir.alertmanager.config.AmConfigParser.InvalidConfigException;
import mimir.alertmanager.dispatch.NotificationTemplates;
import mimir.gotemplate.TemplateException;
import mimir.spi.Overrides;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.spi.limits.Limits;
import mimir.yaml.YamlSettings;

/**
 * Mimir's Alertmanager configuration API: {@code GET|POST|DELETE /api/v1/alerts} with the YAML
 * {@code alertmanager_config: |} (the Alertmanager configuration as text) and {@code template_files:}
 * (name → template), validated completely (configuration, template syntax, the tenant's
 * {@code alertmanager_max_config_size_bytes}, {@code alertmanager_max_templates_count},
 * {@code alertmanager_max_template_size_bytes}) before it is stored: 201 when stored, 400 with the
 * reason otherwise and nothing changed.
 */
final class AlertmanagerConfigApi {
    private static final String INVALID = "error validating Alertmanager config: ";
    private final MultitenantAlertmanager alertmanager;
    private final Overrides overrides;

    AlertmanagerConfigApi(MultitenantAlertmanager alertmanager, Overrides overrides) {
        this.alertmanager = requireNonNull(alertmanager, "alertmanager is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
    }

    void register(HttpRoutes routes) {
        routes.register("/api/v1/alerts", Auth.TENANT, "Alertmanager configuration API", this::handle, "GET", "POST", "DELETE");
        routes.register("/multitenant_alertmanager/delete_tenant_config", Auth.TENANT, null, this::deleteTenant, "POST");
    }

    private HttpResponse handle(HttpRequest request) {
        String tenant = request.requireTenant();
        try {
            return switch (request.method()) {
                case "GET" -> get(tenant);
                case "POST" -> post(tenant, new String(request.body(), StandardCharsets.UTF_8));
                default -> delete(tenant);
            };
        }
        catch (IOException e) {
            return HttpResponse.text(500, "alertmanager storage failed: " + e.getMessage() + "\n");
        }
    }

    private HttpResponse get(String tenant) throws IOException {
        Optional<AlertStore.UserConfig> config = alertmanager.store().config(tenant);
        if (config.isEmpty()) {
            return HttpResponse.text(404, "alertmanager storage object not found\n");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("template_files", new LinkedHashMap<>(config.get().templates()));
        out.put("alertmanager_config", config.get().config());
        return HttpResponse.ok("application/yaml", new Dump(YamlSettings.forWriting().build()).dumpToString(out));
    }

    private HttpResponse post(String tenant, String body) throws IOException {
        Limits limits = overrides.forTenant(tenant);
        AlertStore.UserConfig userConfig;
        try {
            userConfig = parseBody(body);
        }
        catch (InvalidConfigException e) {
            return HttpResponse.text(400, "error marshalling YAML Alertmanager config: " + e.getMessage() + "\n");
        }
        int maxSize = limits.alertmanagerMaxConfigSizeBytes();
        if (maxSize > 0 && userConfig.config().getBytes(StandardCharsets.UTF_8).length > maxSize) {
            return HttpResponse.text(400, INVALID + "Alertmanager configuration is too big, limit: " + maxSize
                    + " bytes (alertmanager_max_config_size_bytes)\n");
        }
        int maxTemplates = limits.alertmanagerMaxTemplatesCount();
        if (maxTemplates > 0 && userConfig.templates().size() > maxTemplates) {
            return HttpResponse.text(400, INVALID + "too many templates in the configuration: " + userConfig.templates().size() + " (limit: "
                    + maxTemplates + ", alertmanager_max_templates_count)\n");
        }
        int maxTemplateSize = limits.alertmanagerMaxTemplateSizeBytes();
        for (Map.Entry<String, String> template : userConfig.templates().entrySet()) {
            int size = template.getValue().getBytes(StandardCharsets.UTF_8).length;
            if (maxTemplateSize > 0 && size > maxTemplateSize) {
                return HttpResponse.text(400, INVALID + "template " + template.getKey() + " is too big: " + size + " bytes (limit: " + maxTemplateSize
                        + " bytes, alertmanager_max_template_size_bytes)\n");
            }
        }
        try {
            validate(userConfig);
        }
        catch (InvalidConfigException e) {
            return HttpResponse.text(400, INVALID + e.getMessage() + "\n");
        }
        alertmanager.store().putConfig(tenant, userConfig);
        alertmanager.configured(tenant);
        return new HttpResponse(201, HttpResponse.TEXT, Map.of(), new byte[0]);
    }

    /** {@code POST /multitenant_alertmanager/delete_tenant_config}: the tenant's configuration and state. */
    private HttpResponse deleteTenant(HttpRequest request) {
        String tenant = request.requireTenant();
        try {
            alertmanager.store().deleteConfig(tenant);
            alertmanager.deconfigured(tenant);
            alertmanager.store().deleteState(tenant);
        }
        catch (IOException e) {
            return HttpResponse.text(500, "alertmanager storage failed: " + e.getMessage() + "\n");
        }
        return new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[0]);
    }

    private HttpResponse delete(String tenant) throws IOException {
        alertmanager.store().deleteConfig(tenant);
        alertmanager.deconfigured(tenant);
        return new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[0]);
    }

    /** The API body: {@code alertmanager_config} (text) and {@code template_files} (name → text); nothing else. */
    static AlertStore.UserConfig parseBody(String body) throws InvalidConfigException {
        Object parsed;
        try {
            parsed = new Load(YamlSettings.forValues().build()).loadFromString(body);
        }
        catch (YamlEngineException e) {
            throw new InvalidConfigException("yaml: " + e.getMessage().replace('\n', ' ').strip());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new InvalidConfigException("the body must be a YAML mapping with alertmanager_config and template_files");
        }
        for (Object key : map.keySet()) {
            if (!"alertmanager_config".equals(key) && !"template_files".equals(key)) {
                throw new InvalidConfigException("field " + key + " not found in type alertmanager.UserConfig");
            }
        }
        Object config = map.get("alertmanager_config");
        if (!(config instanceof String text) || text.isBlank()) {
            throw new InvalidConfigException("alertmanager_config must be a non-empty string (the Alertmanager configuration as text, e.g. `alertmanager_config: |`)");
        }
        Map<String, String> templates = new LinkedHashMap<>();
        Object files = map.get("template_files");
        if (files instanceof Map<?, ?> fileMap) {
            for (Map.Entry<?, ?> entry : fileMap.entrySet()) {
                if (!(entry.getValue() instanceof String content)) {
                    throw new InvalidConfigException("template_files." + entry.getKey() + " must be a string");
                }
                templates.put(String.valueOf(entry.getKey()), content);
            }
        }
        else if (files != null) {
            throw new InvalidConfigException("template_files must be a mapping of file names to templates");
        }
        return new AlertStore.UserConfig(text, templates);
    }

    /** A validated configuration: the parsed Alertmanager configuration and its notification templates. */
    record Validated(AmConfig config, NotificationTemplates templates) {}

    /** Validates a stored or posted configuration. */
    static Validated validate(AlertStore.UserConfig userConfig) throws InvalidConfigException {
        AmConfig parsed = AmConfigParser.parse(userConfig.config());
        for (String name : userConfig.templates().keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
                throw new InvalidConfigException("invalid template name " + quote(name) + ": the template name cannot contain any path");
            }
        }
        try {
            return new Validated(parsed, NotificationTemplates.of(parsed.templates(), userConfig.templates()));
        }
        catch (TemplateException e) {
            throw new InvalidConfigException("unable to create template file: " + e.getMessage());
        }
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }
}
