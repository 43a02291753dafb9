package mimir.alertmanager.config;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import mimir.alertmanager.config.AmConfig.InhibitRule;
import mimir.alertmanager.config.AmConfig.Receiver;
import mimir.alertmanager.config.AmConfig.Route;
import mimir.alertmanager.config.AmConfig.TimeInterval;
import mimir.alertmanager.config.AmConfig.WebhookConfig;
import mimir.alertmanager.model.AmMatcher;
import mimir.model.LabelNames;
import mimir.promql.parser.PromDurations;
import mimir.yaml.YamlComposer;
import mimir.yaml.YamlSettings;

/**
 * Parses and validates an Alertmanager configuration file the way Prometheus Alertmanager's
 * {@code config.Load} does: strictly (an unknown field is an error), with its defaults (group_wait
 * 30s, group_interval 5m, repeat_interval 4h, resolve_timeout 5m), inheritance along the routing tree,
 * and its checks (a default receiver on the root route, no matchers there, defined receivers and time
 * intervals, unique receiver names). Receivers may use {@code webhook_configs}; other integrations
 * are refused with a message saying so, rather than accepted and never notified.
 */
public final class AmConfigParser {
    private static final Set<String> TOP = Set.of("global", "route", "receivers", "inhibit_rules", "time_intervals", "mute_time_intervals", "templates");
    private static final Set<String> GLOBAL = Set.of("resolve_timeout", "http_config", "smtp_from", "smtp_hello", "smtp_smarthost", "smtp_auth_username",
            "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_identity", "smtp_require_tls", "slack_api_url",
            "slack_api_url_file", "pagerduty_url", "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url",
            "wechat_api_secret", "wechat_api_corp_id", "victorops_api_url", "victorops_api_key", "victorops_api_key_file", "telegram_api_url",
            "webex_api_url");
    private static final Set<String> ROUTE = Set.of("receiver", "group_by", "continue", "matchers", "match", "match_re", "group_wait", "group_interval",
            "repeat_interval", "mute_time_intervals", "active_time_intervals", "routes");
    private static final Set<String> RECEIVER = Set.of("name", "webhook_configs", "email_configs", "pagerduty_configs", "slack_configs",
            "opsgenie_configs", "wechat_configs", "pushover_configs", "victorops_configs", "sns_configs", "telegram_configs", "webex_configs",
            "discord_configs", "msteams_configs", "msteamsv2_configs", "jira_configs", "rocketchat_configs", "incidentio_configs");
    private static final Set<String> WEBHOOK = Set.of("url", "send_resolved", "max_alerts", "timeout");
    private static final Set<String> SLACK = Set.of("api_url", "send_resolved", "channel", "username", "color", "title", "title_link", "pretext", "text",
            "fallback", "footer", "icon_emoji", "icon_url", "link_names", "mrkdwn_in");
    private static final Set<String> INHIBIT = Set.of("source_matchers", "target_matchers", "source_match", "source_match_re", "target_match",
            "target_match_re", "equal");
    private static final Set<String> INTERVAL = Set.of("times", "weekdays", "days_of_month", "months", "years", "location");
    private static final List<String> WEEKDAYS = List.of("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday");
    private static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december");

    private AmConfigParser() {}

    /** A configuration the API refuses, with Alertmanager's reason. */
    public static final class InvalidConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidConfigException(String message) {
            super(message);
        }
    }

    private static InvalidConfigException error(Node node, String message) {
        return new InvalidConfigException((node == null ? "" : "line " + (node.getStartMark().orElseThrow().getLine() + 1) + ": ") + message);
    }

    public static AmConfig parse(String text) throws InvalidConfigException {
        Node root;
        try {
            root = YamlComposer.composeOne(YamlSettings.forNodes().build(), text).orElse(null);
        }
        catch (YamlEngineException e) {
            throw new InvalidConfigException("yaml: " + e.getMessage().replace('\n', ' ').strip());
        }
        if (root == null) {
            throw new InvalidConfigException("no route provided in config");
        }
        Map<String, Node> top = mapping(root, TOP, "config.plain");
        Duration resolveTimeout = Duration.ofMinutes(5);
        String slackApiUrl = "";
        if (top.containsKey("global")) {
            Map<String, Node> global = mapping(top.get("global"), GLOBAL, "config.plain");
            if (global.containsKey("resolve_timeout")) {
                resolveTimeout = duration(global.get("resolve_timeout"));
            }
            slackApiUrl = scalar(global.get("slack_api_url"));
        }
        Map<String, List<TimeInterval>> intervals = new LinkedHashMap<>();
        for (String key : List.of("time_intervals", "mute_time_intervals")) {
            for (Node entry : sequence(top.get(key))) {
                Map<String, Node> fields = mapping(entry, Set.of("name", "time_intervals"), "config.plain");
                String name = scalar(fields.get("name"));
                if (name.isEmpty()) {
                    throw error(entry, "missing name in time interval");
                }
                if (intervals.containsKey(name)) {
                    throw error(entry, "time interval " + quote(name) + " is not unique");
                }
                List<TimeInterval> list = new ArrayList<>();
                for (Node interval : sequence(fields.get("time_intervals"))) {
                    list.add(timeInterval(interval));
                }
                intervals.put(name, list);
            }
        }
        List<Receiver> receivers = new ArrayList<>();
        Set<String> receiverNames = new HashSet<>();
        for (Node node : sequence(top.get("receivers"))) {
            Receiver receiver = receiver(node, slackApiUrl);
            if (!receiverNames.add(receiver.name())) {
                throw error(node, "notification config name " + quote(receiver.name()) + " is not unique");
            }
            receivers.add(receiver);
        }
        if (!top.containsKey("route")) {
            throw new InvalidConfigException("no routes provided");
        }
        Node routeNode = top.get("route");
        Map<String, Node> rootFields = mapping(routeNode, ROUTE, "config.plain");
        if (scalar(rootFields.get("receiver")).isEmpty()) {
            throw error(routeNode, "root route must specify a default receiver");
        }
        if (rootFields.containsKey("matchers") || rootFields.containsKey("match") || rootFields.containsKey("match_re")) {
            throw error(routeNode, "root route must not have any matchers");
        }
        if (rootFields.containsKey("mute_time_intervals")) {
            throw error(routeNode, "root route must not have any mute time intervals");
        }
        if (rootFields.containsKey("active_time_intervals")) {
            throw error(routeNode, "root route must not have any active time intervals");
        }
        Route defaults = new Route("", "", List.of(), false, List.of(), false, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4),
                List.of(), List.of(), List.of());
        Route route = route(routeNode, defaults, "{}", true, receiverNames, intervals.keySet());
        List<InhibitRule> inhibitRules = new ArrayList<>();
        for (Node node : sequence(top.get("inhibit_rules"))) {
            inhibitRules.add(inhibitRule(node));
        }
        List<String> templates = new ArrayList<>();
        for (Node node : sequence(top.get("templates"))) {
            templates.add(scalar(node));
        }
        return new AmConfig(resolveTimeout, route, receivers, inhibitRules, intervals, templates, text);
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static Map<String, Node> mapping(Node node, Set<String> known, String type) throws InvalidConfigException {
        Map<String, Node> result = new LinkedHashMap<>();
        if (node == null || (node instanceof ScalarNode scalar && (scalar.getValue().isEmpty() || scalar.getValue().equals("null")))) {
            return result;
        }
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, "cannot unmarshal " + kind(node) + " into " + type);
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "";
            if (!known.contains(key)) {
                throw error(tuple.getKeyNode(), "field " + key + " not found in type " + type);
            }
            result.put(key, tuple.getValueNode());
        }
        return result;
    }

    private static String kind(Node node) {
        return switch (node) {
            case MappingNode m -> "!!map";
            case SequenceNode s -> "!!seq";
            case ScalarNode s -> "!!str `" + s.getValue() + "`";
            default -> "!!node";
        };
    }

    private static List<Node> sequence(Node node) throws InvalidConfigException {
        if (node == null || (node instanceof ScalarNode scalar && (scalar.getValue().isEmpty() || scalar.getValue().equals("null")))) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw error(node, "cannot unmarshal " + kind(node) + " into a list");
        }
        return sequence.getValue();
    }

    private static String scalar(Node node) throws InvalidConfigException {
        if (node == null) {
            return "";
        }
        if (!(node instanceof ScalarNode scalar)) {
            throw error(node, "cannot unmarshal " + kind(node) + " into string");
        }
        return scalar.getValue().equals("null") || scalar.getValue().equals("~") ? "" : scalar.getValue();
    }

    private static List<String> strings(Node node) throws InvalidConfigException {
        List<String> result = new ArrayList<>();
        for (Node item : sequence(node)) {
            result.add(scalar(item));
        }
        return result;
    }

    private static boolean bool(Node node, boolean defaultValue) throws InvalidConfigException {
        String text = scalar(node);
        if (text.isEmpty()) {
            return defaultValue;
        }
        if (!text.equals("true") && !text.equals("false")) {
            throw error(node, "cannot unmarshal !!str `" + text + "` into bool");
        }
        return text.equals("true");
    }

    private static Duration duration(Node node) throws InvalidConfigException {
        String text = scalar(node);
        try {
            return Duration.ofMillis(PromDurations.parseMillis(text));
        }
        catch (RuntimeException e) {
            throw error(node, "not a valid duration string: " + quote(text));
        }
    }

    private static List<AmMatcher> matchers(Map<String, Node> fields, String matchersKey, String matchKey, String matchReKey) throws InvalidConfigException {
        List<AmMatcher> result = new ArrayList<>();
        try {
            for (String text : strings(fields.get(matchersKey))) {
                result.addAll(AmMatcher.parse(text));
            }
            for (Map.Entry<String, Node> entry : mapping(fields.get(matchKey), anyKey(fields.get(matchKey)), "map[string]string").entrySet()) {
                result.add(AmMatcher.of(AmMatcher.Type.EQUAL, entry.getKey(), scalar(entry.getValue())));
            }
            for (Map.Entry<String, Node> entry : mapping(fields.get(matchReKey), anyKey(fields.get(matchReKey)), "map[string]string").entrySet()) {
                result.add(AmMatcher.of(AmMatcher.Type.REGEX, entry.getKey(), scalar(entry.getValue())));
            }
        }
        catch (IllegalArgumentException e) {
            throw error(fields.get(matchersKey), e.getMessage());
        }
        for (AmMatcher matcher : result) {
            if (!LabelNames.isValidLabelName(matcher.name())) {
                throw error(fields.get(matchersKey), "invalid label name " + quote(matcher.name()));
            }
        }
        return result;
    }

    private static Set<String> anyKey(Node node) {
        Set<String> keys = new HashSet<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode scalar) {
                    keys.add(scalar.getValue());
                }
            }
        }
        return keys;
    }

    private static Route route(Node node, Route parent, String key, boolean root, Set<String> receivers, Set<String> intervals)
            throws InvalidConfigException {
        Map<String, Node> fields = mapping(node, ROUTE, "config.plain");
        String receiver = fields.containsKey("receiver") ? scalar(fields.get("receiver")) : parent.receiver();
        if (!receiver.isEmpty() && !receivers.contains(receiver)) {
            throw error(fields.get("receiver"), "undefined receiver " + quote(receiver) + " used in route");
        }
        List<String> groupBy = parent.groupBy();
        boolean groupByAll = parent.groupByAll();
        if (fields.containsKey("group_by")) {
            groupBy = strings(fields.get("group_by"));
            Set<String> seen = new HashSet<>();
            for (String label : groupBy) {
                if (!seen.add(label)) {
                    throw error(fields.get("group_by"), "duplicated label " + quote(label) + " in group_by");
                }
                if (!label.equals("...") && !LabelNames.isValidLabelName(label)) {
                    throw error(fields.get("group_by"), "invalid label name " + quote(label) + " in group_by list");
                }
            }
            groupByAll = groupBy.contains("...");
            if (groupByAll && groupBy.size() > 1) {
                throw error(fields.get("group_by"), "cannot have wildcard group_by (`...`) and other other labels at the same time");
            }
            if (groupByAll) {
                groupBy = List.of();
            }
        }
        Duration groupWait = fields.containsKey("group_wait") ? duration(fields.get("group_wait")) : parent.groupWait();
        Duration groupInterval = fields.containsKey("group_interval") ? duration(fields.get("group_interval")) : parent.groupInterval();
        Duration repeatInterval = fields.containsKey("repeat_interval") ? duration(fields.get("repeat_interval")) : parent.repeatInterval();
        if (groupInterval.isZero()) {
            throw error(fields.get("group_interval"), "group_interval cannot be zero");
        }
        if (repeatInterval.isZero()) {
            throw error(fields.get("repeat_interval"), "repeat_interval cannot be zero");
        }
        List<String> mute = strings(fields.get("mute_time_intervals"));
        List<String> active = strings(fields.get("active_time_intervals"));
        for (String name : concat(mute, active)) {
            if (!intervals.contains(name)) {
                throw error(node, "undefined time interval " + quote(name) + " used in route");
            }
        }
        List<AmMatcher> matchers = root ? List.of() : matchers(fields, "matchers", "match", "match_re");
        String routeKey = root ? "{}" : key + "/{" + String.join(",", matchers.stream().map(AmMatcher::toString).toList()) + "}";
        Route self = new Route(routeKey, receiver, groupBy, groupByAll, matchers, bool(fields.get("continue"), false), groupWait, groupInterval,
                repeatInterval, mute, active, List.of());
        List<Route> children = new ArrayList<>();
        List<Node> childNodes = sequence(fields.get("routes"));
        Set<String> childKeys = new HashSet<>();
        for (int i = 0; i < childNodes.size(); i++) {
            Route child = route(childNodes.get(i), self, routeKey, false, receivers, intervals);
            if (!childKeys.add(child.key())) {
                // Siblings with equal matchers get their index, as Alertmanager's route keys do.
                child = new Route(child.key() + "/" + i, child.receiver(), child.groupBy(), child.groupByAll(), child.matchers(),
                        child.continueMatching(), child.groupWait(), child.groupInterval(), child.repeatInterval(), child.muteTimeIntervals(),
                        child.activeTimeIntervals(), child.routes());
            }
            children.add(child);
        }
        return new Route(routeKey, receiver, groupBy, groupByAll, matchers, self.continueMatching(), groupWait, groupInterval, repeatInterval, mute,
                active, children);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Receiver receiver(Node node, String slackApiUrl) throws InvalidConfigException {
        Map<String, Node> fields = mapping(node, RECEIVER, "config.plain");
        String name = scalar(fields.get("name"));
        if (name.isEmpty()) {
            throw error(node, "missing name in receiver");
        }
        for (String key : fields.keySet()) {
            if (!key.equals("name") && !key.equals("webhook_configs") && !key.equals("slack_configs") && !sequence(fields.get(key)).isEmpty()) {
                throw error(fields.get(key), "receiver " + quote(name) + ": " + key + " are not supported by this Alertmanager yet (webhook_configs "
                        + "and slack_configs are)");
            }
        }
        List<WebhookConfig> webhooks = new ArrayList<>();
        for (Node webhook : sequence(fields.get("webhook_configs"))) {
            Map<String, Node> w = mapping(webhook, WEBHOOK, "config.plain");
            String url = scalar(w.get("url"));
            if (url.isEmpty()) {
                throw error(webhook, "missing URL in webhook config");
            }
            URI uri;
            try {
                uri = URI.create(url);
            }
            catch (IllegalArgumentException e) {
                throw error(w.get("url"), "parse " + quote(url) + ": " + e.getMessage());
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw error(w.get("url"), "unsupported scheme " + quote(String.valueOf(uri.getScheme())) + " for URL");
            }
            if (uri.getHost() == null) {
                throw error(w.get("url"), "missing host for URL");
            }
            int maxAlerts = 0;
            if (w.containsKey("max_alerts")) {
                try {
                    maxAlerts = Integer.parseInt(scalar(w.get("max_alerts")));
                }
                catch (NumberFormatException e) {
                    throw error(w.get("max_alerts"), "cannot unmarshal !!str `" + scalar(w.get("max_alerts")) + "` into uint64");
                }
            }
            Duration timeout = w.containsKey("timeout") ? duration(w.get("timeout")) : Duration.ZERO;
            webhooks.add(new WebhookConfig(uri, bool(w.get("send_resolved"), true), maxAlerts, timeout));
        }
        List<AmConfig.SlackConfig> slacks = new ArrayList<>();
        for (Node slack : sequence(fields.get("slack_configs"))) {
            Map<String, Node> c = mapping(slack, SLACK, "config.plain");
            String url = c.containsKey("api_url") ? scalar(c.get("api_url")) : slackApiUrl;
            if (url.isEmpty()) {
                throw error(slack, "no global Slack API URL set either inline or in a file");
            }
            URI uri;
            try {
                uri = URI.create(url);
            }
            catch (IllegalArgumentException e) {
                throw error(c.get("api_url"), "parse " + quote(url) + ": " + e.getMessage());
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw error(c.get("api_url"), "unsupported scheme " + quote(String.valueOf(uri.getScheme())) + " for URL");
            }
            List<String> mrkdwnIn = c.containsKey("mrkdwn_in") ? strings(c.get("mrkdwn_in")) : List.of("fallback", "pretext", "text");
            slacks.add(new AmConfig.SlackConfig(uri, bool(c.get("send_resolved"), false), text(c, "channel", ""),
                    text(c, "username", "{{ template \"slack.default.username\" . }}"),
                    text(c, "color", "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}"),
                    text(c, "title", "{{ template \"slack.default.title\" . }}"), text(c, "title_link", "{{ template \"slack.default.titlelink\" . }}"),
                    text(c, "pretext", "{{ template \"slack.default.pretext\" . }}"), text(c, "text", "{{ template \"slack.default.text\" . }}"),
                    text(c, "fallback", "{{ template \"slack.default.fallback\" . }}"), text(c, "footer", "{{ template \"slack.default.footer\" . }}"),
                    text(c, "icon_emoji", "{{ template \"slack.default.iconemoji\" . }}"), text(c, "icon_url", "{{ template \"slack.default.iconurl\" . }}"),
                    bool(c.get("link_names"), false), mrkdwnIn));
        }
        return new Receiver(name, webhooks, slacks);
    }

    private static String text(Map<String, Node> fields, String key, String defaultValue) throws InvalidConfigException {
        return fields.containsKey(key) ? scalar(fields.get(key)) : defaultValue;
    }

    private static InhibitRule inhibitRule(Node node) throws InvalidConfigException {
        Map<String, Node> fields = mapping(node, INHIBIT, "config.plain");
        List<AmMatcher> source = matchers(fields, "source_matchers", "source_match", "source_match_re");
        List<AmMatcher> target = matchers(fields, "target_matchers", "target_match", "target_match_re");
        List<String> equal = strings(fields.get("equal"));
        for (String label : equal) {
            if (!LabelNames.isValidLabelName(label)) {
                throw error(fields.get("equal"), "invalid label name " + quote(label));
            }
        }
        return new InhibitRule(source, target, equal);
    }

    private static TimeInterval timeInterval(Node node) throws InvalidConfigException {
        Map<String, Node> fields = mapping(node, INTERVAL, "timeinterval.plain");
        List<int[]> times = new ArrayList<>();
        for (Node time : sequence(fields.get("times"))) {
            Map<String, Node> range = mapping(time, Set.of("start_time", "end_time"), "timeinterval.plain");
            int start = minutes(range.get("start_time"));
            int end = minutes(range.get("end_time"));
            if (start >= end) {
                throw error(time, "start time cannot be equal or greater than end time");
            }
            times.add(new int[] {start, end});
        }
        List<int[]> weekdays = ranges(fields.get("weekdays"), WEEKDAYS, 0, 0, 6, "weekday");
        List<int[]> days = ranges(fields.get("days_of_month"), List.of(), 0, -31, 31, "day of month");
        List<int[]> months = ranges(fields.get("months"), MONTHS, 1, 1, 12, "month");
        List<int[]> years = ranges(fields.get("years"), List.of(), 0, 1, 9999, "year");
        ZoneId location = ZoneOffset.UTC;
        if (fields.containsKey("location")) {
            String zone = scalar(fields.get("location"));
            try {
                location = zone.equals("Local") ? ZoneId.systemDefault() : zone.equals("UTC") ? ZoneOffset.UTC : ZoneId.of(zone);
            }
            catch (RuntimeException e) {
                throw error(fields.get("location"), "unknown time zone " + zone);
            }
        }
        return new TimeInterval(times, weekdays, days, months, years, location);
    }

    private static int minutes(Node node) throws InvalidConfigException {
        String text = scalar(node);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([0-9]{1,2}):([0-9]{2})$").matcher(text);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 24 || Integer.parseInt(m.group(2)) > 59
                || (Integer.parseInt(m.group(1)) == 24 && Integer.parseInt(m.group(2)) != 0)) {
            throw error(node, "couldn't parse timestamp " + text + ", invalid format");
        }
        return Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
    }

    /** Inclusive ranges like {@code monday:friday}, {@code 1:5}, {@code -3:-1}, {@code june}. */
    private static List<int[]> ranges(Node node, List<String> names, int nameBase, int min, int max, String what) throws InvalidConfigException {
        List<int[]> result = new ArrayList<>();
        for (String text : strings(node)) {
            String[] parts = text.split(":", -1);
            if (parts.length > 2) {
                throw error(node, "invalid " + what + " range: " + text);
            }
            int start = rangeValue(node, parts[0], names, nameBase, min, max, what);
            int end = parts.length == 2 ? rangeValue(node, parts[1], names, nameBase, min, max, what) : start;
            if (start > end && !(start < 0 ^ end < 0)) {
                throw error(node, "start " + what + " cannot be greater than end " + what + ": " + text);
            }
            result.add(new int[] {start, end});
        }
        return result;
    }

    private static int rangeValue(Node node, String text, List<String> names, int nameBase, int min, int max, String what) throws InvalidConfigException {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int index = names.indexOf(t);
        if (index >= 0) {
            return index + nameBase;
        }
        try {
            int value = Integer.parseInt(t);
            if (value < min || value > max || (what.equals("day of month") && value == 0)) {
                throw error(node, what + " " + text + " is out of range");
            }
            return value;
        }
        catch (NumberFormatException e) {
            throw error(node, "invalid " + what + ": " + text);
        }
    }
}
