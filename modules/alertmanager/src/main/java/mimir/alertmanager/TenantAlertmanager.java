package mimir.alertmanager;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

import mimir.alertmanager.config.AmConfig;
import mimir.alertmanager.config.AmConfig.InhibitRule;
import mimir.alertmanager.config.AmConfig.Receiver;
import mimir.alertmanager.config.AmConfig.Route;
import mimir.alertmanager.config.AmConfig.WebhookConfig;
import mimir.alertmanager.dispatch.Dispatcher;
import mimir.alertmanager.dispatch.NotificationTemplates;
import mimir.alertmanager.dispatch.Slack;
import mimir.alertmanager.dispatch.TimeIntervals;
import mimir.alertmanager.dispatch.Webhook;
import mimir.alertmanager.model.Alert;
import mimir.alertmanager.model.AmMatcher;
import mimir.alertmanager.model.Silence;

/**
 * One tenant's Alertmanager: its alerts, silences, inhibition rules, routing tree and notification log,
 * with Prometheus Alertmanager's pipeline on every group flush: inhibition, mute and active time
 * intervals, silences, de-duplication against the notification log (a group is notified when its
 * firing alerts changed, when alerts resolved and the integration sends resolved notifications, or
 * when {@code repeat_interval} passed), then the receiver's integrations with retries.
 *
 * <p>Thread-safe: state changes hold one lock; notifications are sent outside it, on virtual threads.
 */
final class TenantAlertmanager {
    private static final System.Logger LOG = System.getLogger(TenantAlertmanager.class.getName());

    /** What a tenant's Alertmanager reports and persists through. */
    interface Callbacks {
        /** Silences or the notification log changed: the state should be persisted. */
        void stateChanged(TenantAlertmanager alertmanager);

        void notified(String tenant, String integration, boolean failed);

        /** The tenant's {@code alertmanager_notification_rate_limit} (notifications per second; 0 none, negative: nothing may be sent). */
        default double notificationRateLimit(String tenant) {
            return 0;
        }

        /** A notification was not sent because of the rate limit. */
        default void rateLimited(String tenant, String integration) {}
    }

    /** An alert with why it is or is not notified, for the API. */
    record AlertStatus(Alert alert, List<String> receivers, List<String> silencedBy, List<String> inhibitedBy, List<String> mutedBy) {
        String state() {
            return silencedBy.isEmpty() && inhibitedBy.isEmpty() && mutedBy.isEmpty() ? "active" : "suppressed";
        }
    }

    private final String tenant;
    private final Clock clock;
    private final Callbacks callbacks;
    private final long retentionMillis;
    private final String externalUrl;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Alert> alerts = new LinkedHashMap<>();
    private final State state;
    private final Instant started;
    private volatile AmConfig config;
    private volatile NotificationTemplates templates;
    private volatile Map<String, String> templateFiles;
    private volatile Dispatcher dispatcher;
    private final Object rateLock = new Object();
    private double rateTokens = Double.NaN;
    private long rateNanos;

    TenantAlertmanager(String tenant, AmConfig config, NotificationTemplates templates, Map<String, String> templateFiles, State state, Clock clock,
            long retentionMillis, String externalUrl, Callbacks callbacks) {
        this.templateFiles = Map.copyOf(templateFiles);
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.config = requireNonNull(config, "config is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.state = requireNonNull(state, "state is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.retentionMillis = retentionMillis;
        this.externalUrl = requireNonNull(externalUrl, "externalUrl is null");
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
        this.dispatcher = new Dispatcher(config.route());
        this.started = clock.instant();
    }

    String tenant() {
        return tenant;
    }

    AmConfig config() {
        return config;
    }

    Map<String, String> templateFiles() {
        return templateFiles;
    }

    Instant started() {
        return started;
    }

    /** Applies a new configuration: a new routing tree, into which the current alerts are routed again. */
    void applyConfig(AmConfig newConfig, NotificationTemplates newTemplates, Map<String, String> newTemplateFiles) {
        lock.lock();
        try {
            config = newConfig;
            templates = newTemplates;
            templateFiles = Map.copyOf(newTemplateFiles);
            dispatcher = new Dispatcher(newConfig.route());
            long now = clock.millis();
            for (Alert alert : alerts.values()) {
                if (!alert.resolvedAt(now)) {
                    dispatcher.insert(alert, now);
                }
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Stores received alerts (merged with earlier versions) and routes them. */
    void receive(List<Alert> received) {
        lock.lock();
        try {
            long now = clock.millis();
            for (Alert alert : received) {
                Alert existing = alerts.get(alert.fingerprint());
                Alert merged = existing == null || existing.resolvedAt(now) ? alert : existing.merge(alert);
                alerts.put(alert.fingerprint(), merged);
                dispatcher.insert(merged, now);
            }
        }
        finally {
            lock.unlock();
        }
    }

    int alertCount() {
        lock.lock();
        try {
            return alerts.size();
        }
        finally {
            lock.unlock();
        }
    }

    /** The unresolved alerts with their status. */
    List<AlertStatus> alerts() {
        lock.lock();
        try {
            long now = clock.millis();
            List<AlertStatus> result = new ArrayList<>();
            for (Alert alert : alerts.values()) {
                if (alert.resolvedAt(now)) {
                    continue;
                }
                result.add(status(alert, now));
            }
            return result;
        }
        finally {
            lock.unlock();
        }
    }

    private AlertStatus status(Alert alert, long now) {
        List<String> receivers = new ArrayList<>();
        List<String> muted = new ArrayList<>();
        for (Route route : dispatcher.match(alert.labels())) {
            if (!receivers.contains(route.receiver())) {
                receivers.add(route.receiver());
            }
            muted.addAll(mutedBy(route, now));
        }
        return new AlertStatus(alert, receivers, silencedBy(alert.labels(), now), inhibitedBy(alert, now), muted);
    }

    /** Dispatcher groups, for {@code /api/v2/alerts/groups}. */
    List<Dispatcher.Group> groups() {
        lock.lock();
        try {
            return dispatcher.groups();
        }
        finally {
            lock.unlock();
        }
    }

    AlertStatus statusOf(Alert alert) {
        lock.lock();
        try {
            return status(alert, clock.millis());
        }
        finally {
            lock.unlock();
        }
    }

    private List<String> silencedBy(Map<String, String> labels, long now) {
        List<String> ids = new ArrayList<>();
        for (Silence silence : state.silences.values()) {
            if (silence.mutes(labels, now)) {
                ids.add(silence.id());
            }
        }
        return ids;
    }

    /** Fingerprints of the firing alerts that inhibit this one. */
    private List<String> inhibitedBy(Alert target, long now) {
        List<String> sources = new ArrayList<>();
        for (InhibitRule rule : config.inhibitRules()) {
            if (!AmMatcher.all(rule.targetMatchers(), target.labels())) {
                continue;
            }
            boolean targetIsAlsoSource = AmMatcher.all(rule.sourceMatchers(), target.labels());
            for (Alert source : alerts.values()) {
                if (source.resolvedAt(now) || source.fingerprint() == target.fingerprint() || !AmMatcher.all(rule.sourceMatchers(), source.labels())) {
                    continue;
                }
                // An alert matching both sides does not inhibit another that does (Alertmanager's two-sided exclusion).
                if (targetIsAlsoSource && AmMatcher.all(rule.targetMatchers(), source.labels())) {
                    continue;
                }
                boolean equal = true;
                for (String label : rule.equal()) {
                    if (!source.labels().getOrDefault(label, "").equals(target.labels().getOrDefault(label, ""))) {
                        equal = false;
                        break;
                    }
                }
                if (equal && !sources.contains(source.fingerprintHex())) {
                    sources.add(source.fingerprintHex());
                }
            }
        }
        return sources;
    }

    /** The time intervals that mute a route now: an active mute interval, or active intervals none of which is active. */
    private List<String> mutedBy(Route route, long now) {
        List<String> muted = new ArrayList<>();
        Instant instant = Instant.ofEpochMilli(now);
        for (String name : route.muteTimeIntervals()) {
            if (TimeIntervals.contains(config.timeIntervals().get(name), instant)) {
                muted.add(name);
            }
        }
        if (!route.activeTimeIntervals().isEmpty()) {
            boolean active = false;
            for (String name : route.activeTimeIntervals()) {
                active |= TimeIntervals.contains(config.timeIntervals().get(name), instant);
            }
            if (!active) {
                muted.addAll(route.activeTimeIntervals());
            }
        }
        return muted;
    }

    List<Silence> silences() {
        lock.lock();
        try {
            return List.copyOf(state.silences.values());
        }
        finally {
            lock.unlock();
        }
    }

    Silence silence(String id) {
        lock.lock();
        try {
            return state.silences.get(id);
        }
        finally {
            lock.unlock();
        }
    }

    /** Thrown for a silence the API refuses. */
    static final class SilenceException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        SilenceException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * Creates a silence, or updates the one with {@code silence.id()}: in place while it has not
     * started or its matchers and start are unchanged, otherwise by expiring it and creating a new one
     * (as Alertmanager does). Returns the silence's ID.
     */
    String setSilence(Silence silence, int maxSilences) throws SilenceException {
        long now = clock.millis();
        if (silence.matchers().isEmpty()) {
            throw new SilenceException(400, "silence invalid: at least one matcher required");
        }
        if (silence.matchers().stream().allMatch(m -> m.matches(""))) {
            throw new SilenceException(400, "silence invalid: at least one matcher must not match the empty string");
        }
        if (silence.endsAt() < silence.startsAt()) {
            throw new SilenceException(400, "silence invalid: end time must not be before start time");
        }
        if (silence.endsAt() <= now) {
            throw new SilenceException(400, "silence invalid: end time can't be in the past");
        }
        lock.lock();
        try {
            Silence existing = silence.id().isEmpty() ? null : state.silences.get(silence.id());
            if (!silence.id().isEmpty() && existing == null) {
                throw new SilenceException(404, "silence " + silence.id() + " not found");
            }
            long start = Math.max(silence.startsAt(), now);
            if (existing != null && existing.state(now) != Silence.State.EXPIRED) {
                boolean sameMatchers = existing.matchers().equals(silence.matchers());
                if (existing.state(now) == Silence.State.PENDING || (sameMatchers && existing.startsAt() == silence.startsAt())) {
                    Silence updated = new Silence(existing.id(), silence.matchers(), existing.state(now) == Silence.State.PENDING ? start : existing.startsAt(),
                            silence.endsAt(), now, silence.createdBy(), silence.comment());
                    state.silences.put(updated.id(), updated);
                    callbacks.stateChanged(this);
                    return updated.id();
                }
                expireLocked(existing, now);
            }
            long active = state.silences.values().stream().filter(s -> s.state(now) != Silence.State.EXPIRED).count();
            if (maxSilences > 0 && active >= maxSilences) {
                throw new SilenceException(400, "exceeded maximum number of silences: " + maxSilences + " (limit: alertmanager_max_silences_count)");
            }
            String id = UUID.randomUUID().toString();
            state.silences.put(id, new Silence(id, silence.matchers(), start, silence.endsAt(), now, silence.createdBy(), silence.comment()));
            callbacks.stateChanged(this);
            return id;
        }
        finally {
            lock.unlock();
        }
    }

    void expireSilence(String id) throws SilenceException {
        lock.lock();
        try {
            long now = clock.millis();
            Silence existing = state.silences.get(id);
            if (existing == null) {
                throw new SilenceException(404, "silence " + id + " not found");
            }
            if (existing.state(now) == Silence.State.EXPIRED) {
                throw new SilenceException(400, "silence " + id + " already expired");
            }
            expireLocked(existing, now);
            callbacks.stateChanged(this);
        }
        finally {
            lock.unlock();
        }
    }

    private void expireLocked(Silence silence, long now) {
        long start = silence.state(now) == Silence.State.PENDING ? now : silence.startsAt();
        state.silences.put(silence.id(), new Silence(silence.id(), silence.matchers(), start, now, now, silence.createdBy(), silence.comment()));
    }

    byte[] stateBytes() {
        lock.lock();
        try {
            state.gc(clock.millis(), retentionMillis);
            return state.toBytes(tenant, retentionMillis);
        }
        finally {
            lock.unlock();
        }
    }

    /** Flushes the groups that are due; notifications go out on virtual threads. Returns their threads (for tests to join). */
    List<Thread> tick() {
        List<Thread> started = new ArrayList<>();
        lock.lock();
        try {
            long now = clock.millis();
            alerts.values().removeIf(a -> a.resolvedAt(now) && a.endsAt() + retentionMillis < now);
            Dispatcher current = dispatcher;
            for (Dispatcher.Group group : current.due(now)) {
                List<Alert> snapshot = group.alerts();
                started.add(Thread.ofVirtual().name("alertmanager-flush-" + tenant).start(() -> flush(current, group, snapshot)));
            }
        }
        finally {
            lock.unlock();
        }
        return started;
    }

    private void flush(Dispatcher owner, Dispatcher.Group group, List<Alert> snapshot) {
        List<Alert> resolvedAndSent = new ArrayList<>();
        try {
            resolvedAndSent = notify(group, snapshot);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            LOG.log(Level.WARNING, "alertmanager flush failed user=" + tenant + " group=" + group.key() + " err=\"" + e + "\"");
        }
        finally {
            lock.lock();
            try {
                owner.flushed(group, resolvedAndSent);
            }
            finally {
                lock.unlock();
            }
        }
    }

    /** The notification pipeline of one group flush; returns the resolved alerts that need not be kept. */
    private List<Alert> notify(Dispatcher.Group group, List<Alert> snapshot) throws InterruptedException {
        long now = clock.millis();
        Route route = group.route();
        List<Alert> unmuted = new ArrayList<>();
        lock.lock();
        try {
            if (!mutedBy(route, now).isEmpty()) {
                return List.of();
            }
            for (Alert alert : snapshot) {
                if (inhibitedBy(alert, now).isEmpty() && silencedBy(alert.labels(), now).isEmpty()) {
                    unmuted.add(alert);
                }
            }
        }
        finally {
            lock.unlock();
        }
        Set<Long> firing = new HashSet<>();
        Set<Long> resolved = new HashSet<>();
        List<Alert> firingAlerts = new ArrayList<>();
        for (Alert alert : unmuted) {
            if (alert.resolvedAt(now)) {
                resolved.add(alert.fingerprint());
            }
            else {
                firing.add(alert.fingerprint());
                firingAlerts.add(alert);
            }
        }
        Receiver receiver = config.receiver(route.receiver());
        List<Integration> integrations = new ArrayList<>();
        for (int i = 0; i < receiver.webhooks().size(); i++) {
            WebhookConfig webhook = receiver.webhooks().get(i);
            integrations.add(new Integration("webhook", i, webhook.sendResolved(), webhook.maxAlerts(), (message, budget) -> Webhook.send(webhook, message, now, budget)));
        }
        for (int i = 0; i < receiver.slacks().size(); i++) {
            AmConfig.SlackConfig slack = receiver.slacks().get(i);
            NotificationTemplates current = templates;
            integrations.add(new Integration("slack", i, slack.sendResolved(), 0, (message, budget) -> Slack.send(slack, current, message, now, budget)));
        }
        boolean allDone = true;
        for (Integration integration : integrations) {
            State.LogKey key = new State.LogKey(group.key(), receiver.name(), integration.name(), integration.index());
            State.Notified previous;
            lock.lock();
            try {
                previous = state.log.get(key);
            }
            finally {
                lock.unlock();
            }
            Set<Long> loggedResolved = integration.sendResolved() ? resolved : Set.of();
            if (!needsUpdate(previous, firing, loggedResolved, integration.sendResolved(), route.repeatInterval().toMillis(), now)) {
                continue;
            }
            List<Alert> sent = integration.sendResolved() ? unmuted : firingAlerts;
            if (!sent.isEmpty() && !allowNotification()) {
                callbacks.rateLimited(tenant, integration.name());
                allDone = false;
                LOG.log(Level.WARNING, "notification rate limited user=" + tenant + " receiver=" + receiver.name() + " integration=" + integration.name()
                        + " limit=alertmanager_notification_rate_limit");
                continue;
            }
            if (!sent.isEmpty()) {
                List<Alert> carried = integration.maxAlerts() > 0 && sent.size() > integration.maxAlerts() ? sent.subList(0, integration.maxAlerts()) : sent;
                Webhook.Message message = new Webhook.Message(receiver.name(), group.key(), group.groupLabels(), carried, sent.size() - carried.size(),
                        externalUrl);
                String error = integration.sender().send(message, route.groupInterval());
                callbacks.notified(tenant, integration.name(), error != null);
                if (error != null) {
                    allDone = false;
                    LOG.log(Level.WARNING, "notify for alerts failed user=" + tenant + " receiver=" + receiver.name() + " integration="
                            + integration.name() + "[" + integration.index() + "] err=\"" + error + "\"");
                    continue;
                }
            }
            lock.lock();
            try {
                state.log.put(key, new State.Notified(firing, loggedResolved, now, now + retentionMillis));
            }
            finally {
                lock.unlock();
            }
            callbacks.stateChanged(this);
        }
        if (!allDone) {
            return List.of();
        }
        List<Alert> done = new ArrayList<>();
        for (Alert alert : snapshot) {
            if (alert.resolvedAt(now)) {
                done.add(alert);
            }
        }
        return done;
    }

    /**
     * Takes one token of the tenant's notification rate limit: tokens accrue at the limit per second up
     * to a burst of the limit (at least 1), as Mimir's limiter does; a negative limit allows nothing.
     */
    private boolean allowNotification() {
        double limit = callbacks.notificationRateLimit(tenant);
        if (limit == 0) {
            return true;
        }
        if (limit < 0) {
            return false;
        }
        double burst = Math.max(1, Math.ceil(limit));
        synchronized (rateLock) {
            long now = System.nanoTime();
            if (Double.isNaN(rateTokens)) {
                rateTokens = burst;
                rateNanos = now;
            }
            rateTokens = Math.min(burst, rateTokens + (now - rateNanos) / 1e9 * limit);
            rateNanos = now;
            if (rateTokens < 1) {
                return false;
            }
            rateTokens -= 1;
            return true;
        }
    }

    /** Sends one notification through an integration; returns null on success, else the error. */
    @FunctionalInterface
    private interface Sender {
        String send(Webhook.Message message, java.time.Duration budget) throws InterruptedException;
    }

    /** One integration of a receiver, e.g. its second webhook. */
    private record Integration(String name, int index, boolean sendResolved, int maxAlerts, Sender sender) {}

    /** Alertmanager's DedupStage.needsUpdate. */
    static boolean needsUpdate(State.Notified previous, Set<Long> firing, Set<Long> resolved, boolean sendResolved, long repeatIntervalMillis, long now) {
        if (previous == null) {
            return !firing.isEmpty();
        }
        if (!previous.firing().containsAll(firing)) {
            return true;
        }
        if (firing.isEmpty()) {
            return !previous.firing().isEmpty();
        }
        if (sendResolved && !previous.resolved().containsAll(resolved)) {
            return true;
        }
        return previous.timestamp() + repeatIntervalMillis <= now;
    }
}
