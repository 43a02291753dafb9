package mimir.alertmanager.dispatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;

import mimir.alertmanager.config.AmConfig.SlackConfig;
import mimir.alertmanager.config.AmConfig.WebhookConfig;
import mimir.gotemplate.Fields;
import mimir.gotemplate.TemplateException;

/**
 * The Slack integration: the configured fields expanded with the tenant's notification templates and
 * POSTed as Slack's incoming-webhook message with one attachment, as Alertmanager's Slack notifier
 * sends it (empty fields left out), retried like a webhook.
 */
public final class Slack {
    private static final JsonFactory JSON = new JsonFactory();

    private Slack() {}

    /** @return null on success, else the error */
    public static String send(SlackConfig config, NotificationTemplates templates, Webhook.Message message, long now, Duration budget)
            throws InterruptedException {
        String body;
        try {
            body = payload(config, templates, TemplateData.of(message, now));
        }
        catch (TemplateException e) {
            return "template: " + e.getMessage();
        }
        return Webhook.post(new WebhookConfig(config.apiUrl(), config.sendResolved(), 0, Duration.ZERO), body, budget);
    }

    static String payload(SlackConfig config, NotificationTemplates templates, Fields data) throws TemplateException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            field(json, "channel", templates.expand(config.channel(), data));
            field(json, "username", templates.expand(config.username(), data));
            field(json, "icon_emoji", templates.expand(config.iconEmoji(), data));
            field(json, "icon_url", templates.expand(config.iconUrl(), data));
            json.writeBooleanField("link_names", config.linkNames());
            json.writeArrayFieldStart("attachments");
            json.writeStartObject();
            field(json, "title", templates.expand(config.title(), data));
            field(json, "title_link", templates.expand(config.titleLink(), data));
            field(json, "pretext", templates.expand(config.pretext(), data));
            field(json, "text", templates.expand(config.text(), data));
            field(json, "fallback", templates.expand(config.fallback(), data));
            field(json, "color", templates.expand(config.color(), data));
            field(json, "footer", templates.expand(config.footer(), data));
            json.writeArrayFieldStart("mrkdwn_in");
            for (String name : config.mrkdwnIn()) {
                json.writeString(name);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void field(JsonGenerator json, String name, String value) throws IOException {
        if (!value.isEmpty()) {
            json.writeStringField(name, value);
        }
    }
}
