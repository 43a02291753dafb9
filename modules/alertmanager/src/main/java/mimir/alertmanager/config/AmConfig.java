package mimir.alertmanager.config;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import mimir.alertmanager.model.AmMatcher;

/**
 * A tenant's Alertmanager configuration, as Prometheus Alertmanager defines it, with every route's
 * inherited settings resolved.
 *
 * @param resolveTimeout {@code global.resolve_timeout}: the end of an alert sent without one
 * @param original       the configuration text, for {@code /api/v2/status}
 */
public record AmConfig(Duration resolveTimeout, Route route, List<Receiver> receivers, List<InhibitRule> inhibitRules,
        Map<String, List<TimeInterval>> timeIntervals, List<String> templates, String original) {
    public AmConfig {
        receivers = List.copyOf(receivers);
        inhibitRules = List.copyOf(inhibitRules);
        timeIntervals = Map.copyOf(timeIntervals);
        templates = List.copyOf(templates);
    }

    public Receiver receiver(String name) {
        for (Receiver receiver : receivers) {
            if (receiver.name().equals(name)) {
                return receiver;
            }
        }
        throw new IllegalStateException("no receiver " + name);
    }

    /**
     * A node of the routing tree.
     *
     * @param key      the route's identity in group keys, as Alertmanager builds it ({@code {}},
     *                 {@code {}/{severity="page"}})
     * @param groupBy  label names alerts are grouped by; ignored with {@code groupByAll}
     * @param groupByAll {@code group_by: ['...']}: every label
     */
    public record Route(String key, String receiver, List<String> groupBy, boolean groupByAll, List<AmMatcher> matchers, boolean continueMatching,
            Duration groupWait, Duration groupInterval, Duration repeatInterval, List<String> muteTimeIntervals, List<String> activeTimeIntervals,
            List<Route> routes) {
        public Route {
            groupBy = List.copyOf(groupBy);
            matchers = List.copyOf(matchers);
            muteTimeIntervals = List.copyOf(muteTimeIntervals);
            activeTimeIntervals = List.copyOf(activeTimeIntervals);
            routes = List.copyOf(routes);
        }
    }

    /** A receiver and its integrations (webhooks and Slack, so far). */
    public record Receiver(String name, List<WebhookConfig> webhooks, List<SlackConfig> slacks) {
        public Receiver {
            webhooks = List.copyOf(webhooks);
            slacks = List.copyOf(slacks);
        }
    }

    /**
     * {@code slack_configs} entry; the text fields are templates, with Alertmanager's defaults.
     *
     * @param apiUrl the incoming-webhook URL ({@code api_url}, else {@code global.slack_api_url})
     */
    public record SlackConfig(URI apiUrl, boolean sendResolved, String channel, String username, String color, String title, String titleLink,
            String pretext, String text, String fallback, String footer, String iconEmoji, String iconUrl, boolean linkNames, List<String> mrkdwnIn) {
        public SlackConfig {
            mrkdwnIn = List.copyOf(mrkdwnIn);
        }
    }

    /**
     * {@code webhook_configs} entry.
     *
     * @param maxAlerts the most alerts one message carries; 0 means all
     */
    public record WebhookConfig(URI url, boolean sendResolved, int maxAlerts, Duration timeout) {}

    /** {@code inhibit_rules} entry. */
    public record InhibitRule(List<AmMatcher> sourceMatchers, List<AmMatcher> targetMatchers, List<String> equal) {
        public InhibitRule {
            sourceMatchers = List.copyOf(sourceMatchers);
            targetMatchers = List.copyOf(targetMatchers);
            equal = List.copyOf(equal);
        }
    }

    /**
     * One entry of a {@code time_intervals} definition: every listed condition must hold; an empty
     * list means any. Ranges are inclusive; times of day are minutes since midnight, end exclusive.
     */
    public record TimeInterval(List<int[]> times, List<int[]> weekdays, List<int[]> daysOfMonth, List<int[]> months, List<int[]> years,
            ZoneId location) {
        public TimeInterval {
            times = List.copyOf(times);
            weekdays = List.copyOf(weekdays);
            daysOfMonth = List.copyOf(daysOfMonth);
            months = List.copyOf(months);
            years = List.copyOf(years);
        }
    }
}
