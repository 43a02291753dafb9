package mimir.alertmanager.dispatch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.alertmanager.config.AmConfig.Route;
import mimir.alertmanager.model.Alert;
import mimir.alertmanager.model.AmMatcher;
import mimir.alertmanager.model.LabelSets;

/**
 * Routes alerts through the routing tree into aggregation groups, as Alertmanager's dispatcher does: a
 * route matches when its matchers do; the deepest matching routes win, siblings after a match only with
 * {@code continue}; alerts with equal values of the route's {@code group_by} labels share a group. A
 * group is flushed {@code group_wait} after it was created (at once for an alert older than that), then
 * every {@code group_interval}; {@link #due} hands out the groups whose flush time has come. Not
 * thread-safe: the tenant's Alertmanager holds its lock around every call.
 */
public final class Dispatcher {
    /** One aggregation group. */
    public static final class Group {
        final String key;
        final Route route;
        final Map<String, String> groupLabels;
        final Map<Long, Alert> alerts = new LinkedHashMap<>();
        long nextFlush;
        boolean hasFlushed;
        boolean flushing;

        Group(String key, Route route, Map<String, String> groupLabels, long nextFlush) {
            this.key = key;
            this.route = route;
            this.groupLabels = Map.copyOf(groupLabels);
            this.nextFlush = nextFlush;
        }

        public String key() {
            return key;
        }

        public Route route() {
            return route;
        }

        public Map<String, String> groupLabels() {
            return new TreeMap<>(groupLabels);
        }

        public List<Alert> alerts() {
            return List.copyOf(alerts.values());
        }
    }

    private final Route root;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    public Dispatcher(Route root) {
        this.root = requireNonNull(root, "root is null");
    }

    /** The routes an alert with these labels goes to. */
    public List<Route> match(Map<String, String> labels) {
        List<Route> matched = new ArrayList<>();
        match(root, labels, matched);
        return matched;
    }

    private static boolean match(Route route, Map<String, String> labels, List<Route> matched) {
        if (!AmMatcher.all(route.matchers(), labels)) {
            return false;
        }
        boolean childMatched = false;
        for (Route child : route.routes()) {
            if (match(child, labels, matched)) {
                childMatched = true;
                if (!child.continueMatching()) {
                    break;
                }
            }
        }
        if (!childMatched) {
            matched.add(route);
        }
        return true;
    }

    /** Puts a new or updated alert into the groups of its routes. */
    public void insert(Alert alert, long now) {
        for (Route route : match(alert.labels())) {
            Map<String, String> groupLabels = new TreeMap<>();
            for (Map.Entry<String, String> label : alert.labels().entrySet()) {
                if (route.groupByAll() || route.groupBy().contains(label.getKey())) {
                    groupLabels.put(label.getKey(), label.getValue());
                }
            }
            String key = route.key() + ":" + LabelSets.labelsString(groupLabels);
            Group group = groups.computeIfAbsent(key, k -> new Group(k, route, groupLabels, now + route.groupWait().toMillis()));
            group.alerts.put(alert.fingerprint(), alert);
            if (!group.hasFlushed && alert.startsAt() + route.groupWait().toMillis() <= now) {
                group.nextFlush = Math.min(group.nextFlush, now);
            }
        }
    }

    /**
     * The groups due for a flush at {@code now}, each marked flushing with its next flush one
     * {@code group_interval} later; {@link #flushed} must follow for each.
     */
    public List<Group> due(long now) {
        List<Group> due = new ArrayList<>();
        for (Group group : groups.values()) {
            if (!group.flushing && group.nextFlush <= now && !group.alerts.isEmpty()) {
                group.flushing = true;
                group.hasFlushed = true;
                group.nextFlush = now + group.route.groupInterval().toMillis();
                due.add(group);
            }
        }
        return due;
    }

    /**
     * Ends a flush: resolved alerts that were notified and not updated since are dropped from the
     * group, and an empty group is removed.
     */
    public void flushed(Group group, List<Alert> resolvedAndSent) {
        group.flushing = false;
        for (Alert alert : resolvedAndSent) {
            Alert current = group.alerts.get(alert.fingerprint());
            if (current != null && current.updatedAt() == alert.updatedAt()) {
                group.alerts.remove(alert.fingerprint());
            }
        }
        if (group.alerts.isEmpty()) {
            groups.remove(group.key);
        }
    }

    /** The current groups, for {@code /api/v2/alerts/groups}. */
    public List<Group> groups() {
        return List.copyOf(groups.values());
    }
}
