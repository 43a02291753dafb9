package mimir.ruler.eval;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import mimir.distributor.client.PushOutcome;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.promql.engine.Engine;
import mimir.promql.engine.StaleMarker;
import mimir.promql.parser.Expr;
import mimir.promql.parser.PromQLParser;
import mimir.promql.value.Sample;
import mimir.promql.value.Value;
import mimir.ruler.eval.ActiveAlert.State;
import mimir.ruler.rules.RuleDefinition;
import mimir.ruler.rules.RuleGroupDefinition;
import mimir.spi.limits.Limits;

/**
 * Evaluates one tenant's rule group at its interval, with Prometheus's semantics: rules in order, each
 * an instant query at the evaluation time minus the group's query offset (the tenant's
 * {@code ruler_evaluation_delay_duration} unless the group sets one), results pushed through the
 * distributor before the next rule runs (so later rules see earlier ones' series), stale markers for
 * series a rule stopped producing; alerting rules move alerts pending → firing after {@code for},
 * keep them firing for {@code keep_firing_for}, write {@code ALERTS} and {@code ALERTS_FOR_STATE},
 * and send firing and resolved alerts to the notifier every {@code -ruler.resend-delay}.
 *
 * <p>The first evaluation after the group starts restores each alert's pending time from its
 * {@code ALERTS_FOR_STATE} series if the latest sample is within {@code -ruler.for-outage-tolerance}:
 * an alert pending before a restart fires when it would have without the restart.
 */
public final class GroupEvaluator {
    private static final System.Logger LOG = System.getLogger(GroupEvaluator.class.getName());
    /** How long resolved alerts are kept, to be sent as resolved (Prometheus's resolvedRetention). */
    static final long RESOLVED_RETENTION_MILLIS = 15 * 60_000L;
    static final String ALERTS = "ALERTS";
    static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";

    /** A rule with its parsed expression and evaluation state. */
    static final class RuleState {
        final RuleDefinition definition;
        final Expr expr;
        String health = "unknown";
        String lastError = "";
        long lastEvaluation;
        double evaluationSeconds;
        /** Series written by the last evaluation, for stale markers. */
        Set<Labels> written = new HashSet<>();
        /** Alerting rules: alerts by label set. */
        final Map<Labels, ActiveAlert> active = new LinkedHashMap<>();

        RuleState(RuleDefinition definition) {
            this.definition = definition;
            this.expr = PromQLParser.parse(definition.expr());
        }
    }

    private final String tenant;
    private final RuleGroupDefinition group;
    private final GroupContext context;
    private final List<RuleState> rules = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final String ruleGroupLabel;
    private boolean restorePending = true;
    private volatile long lastEvaluation;
    private volatile double evaluationSeconds;
    private volatile Thread thread;
    private volatile boolean stopped;

    public GroupEvaluator(String tenant, RuleGroupDefinition group, GroupContext context) {
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.group = requireNonNull(group, "group is null");
        this.context = requireNonNull(context, "context is null");
        for (RuleDefinition rule : group.rules()) {
            rules.add(new RuleState(rule));
        }
        this.ruleGroupLabel = group.namespace() + ";" + group.name();
    }

    public RuleGroupDefinition group() {
        return group;
    }

    public long intervalMillis() {
        return (group.interval().isZero() ? context.defaultInterval() : group.interval()).toMillis();
    }

    /**
     * The most series or alerts one rule evaluation may produce: the group's {@code limit} and the tenant's
     * {@code ruler_max_rule_evaluation_results}, whichever is smaller where set (0: none).
     */
    private long resultLimit() {
        long tenantLimit = context.overrides().forTenant(tenant).rulerMaxRuleEvaluationResults();
        long groupLimit = group.limit();
        if (groupLimit <= 0) {
            return Math.max(tenantLimit, 0);
        }
        return tenantLimit <= 0 ? groupLimit : Math.min(groupLimit, tenantLimit);
    }

    private long queryOffsetMillis() {
        if (group.queryOffset() != null) {
            return group.queryOffset().toMillis();
        }
        return context.overrides().forTenant(tenant).rulerEvaluationDelayDuration().toMillis();
    }

    /** The tenants the group's queries read. */
    private List<String> queryTenants() {
        if (group.sourceTenants().isEmpty()) {
            return List.of(tenant);
        }
        return group.sourceTenants().stream().distinct().sorted().toList();
    }

    /** Takes over the alert states of the group this one replaces, for rules that stayed the same (Prometheus's CopyState). */
    public void copyStateFrom(GroupEvaluator previous) {
        previous.lock.lock();
        lock.lock();
        try {
            Map<String, List<RuleState>> byName = new HashMap<>();
            for (RuleState old : previous.rules) {
                byName.computeIfAbsent(old.definition.name() + "\u0000" + old.definition.expr(), k -> new ArrayList<>()).add(old);
            }
            for (RuleState rule : rules) {
                List<RuleState> candidates = byName.get(rule.definition.name() + "\u0000" + rule.definition.expr());
                if (candidates == null || candidates.isEmpty()) {
                    continue;
                }
                RuleState old = candidates.removeFirst();
                rule.health = old.health;
                rule.lastError = old.lastError;
                rule.lastEvaluation = old.lastEvaluation;
                rule.evaluationSeconds = old.evaluationSeconds;
                rule.written = old.written;
                rule.active.putAll(old.active);
            }
            restorePending = previous.restorePending;
            lastEvaluation = previous.lastEvaluation;
            evaluationSeconds = previous.evaluationSeconds;
        }
        finally {
            lock.unlock();
            previous.lock.unlock();
        }
    }

    /** Starts evaluating at the group's interval on a virtual thread. */
    public void start() {
        thread = Thread.ofVirtual().name("ruler-" + tenant + "-" + group.name()).start(this::run);
    }

    /** Stops the evaluation loop and waits for a running evaluation to finish. */
    public void stop() throws InterruptedException {
        stopped = true;
        Thread current = thread;
        if (current != null) {
            current.interrupt();
            current.join();
        }
        context.metrics().groupRemoved(tenant, ruleGroupLabel);
    }

    /** Writes stale markers for every series the group wrote, when the group is deleted (as Prometheus does). */
    public void markStale() {
        lock.lock();
        try {
            long ts = context.clock().millis() - queryOffsetMillis();
            for (RuleState rule : rules) {
                markStale(rule, ts);
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** Writes stale markers for every series the rule wrote last and forgets them (a rule over its limit, a deleted group). */
    private void markStale(RuleState rule, long ts) {
        WriteBatch batch = newBatch();
        staleMarkers(rule, Set.of(), ts, batch);
        rule.written = new HashSet<>();
        if (batch.seriesCount() > 0) {
            push(batch);
        }
    }

    private void run() {
        long interval = intervalMillis();
        long offset = group.alignEvaluationTimeOnInterval() ? 0 : Math.floorMod(hash(), interval);
        long now = context.clock().millis();
        long next = now - Math.floorMod(now - offset, interval) + interval;
        while (!stopped) {
            long wait = next - context.clock().millis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                }
                catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            try {
                evaluate(next);
            }
            catch (RuntimeException e) {
                LOG.log(Level.WARNING, "rule group evaluation failed user=" + tenant + " group=" + ruleGroupLabel + " err=\"" + e + "\"");
            }
            long after = context.clock().millis();
            long missed = Math.max(0, (after - next) / interval);
            if (missed > 0) {
                context.metrics().iterationsMissed(tenant, ruleGroupLabel, missed);
            }
            next += interval * (missed + 1);
        }
    }

    private long hash() {
        long h = 0xcbf29ce484222325L;
        for (byte b : (tenant + "\u0000" + group.namespace() + "\u0000" + group.name()).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * One evaluation of every rule at {@code ts} (milliseconds); returns the number of samples written.
     * Rule failures are recorded in the rules' health, not thrown.
     */
    public long evaluate(long ts) {
        lock.lock();
        try {
            long start = System.nanoTime();
            long queryTs = ts - queryOffsetMillis();
            Limits limits = context.overrides().forTenant(tenant);
            Engine engine = new Engine(context.querier().engineOptions());
            long samples = 0;
            int failures = 0;
            List<Notifier.Notification> notifications = new ArrayList<>();
            for (RuleState rule : rules) {
                long ruleStart = System.nanoTime();
                boolean enabled = rule.definition.isAlerting() ? limits.rulerAlertingRulesEvaluationEnabled() : limits.rulerRecordingRulesEvaluationEnabled();
                if (!enabled) {
                    continue;
                }
                try {
                    WriteBatch batch = rule.definition.isAlerting()
                            ? evaluateAlerting(rule, engine, ts, queryTs, notifications)
                            : evaluateRecording(rule, engine, queryTs);
                    samples += batch.sampleCount();
                    if (batch.seriesCount() > 0) {
                        PushOutcome outcome = push(batch);
                        if (!outcome.succeeded()) {
                            throw new RuleException("failed to write rule results: " + outcome.message());
                        }
                    }
                    rule.health = "ok";
                    rule.lastError = "";
                }
                catch (RuntimeException e) {
                    failures++;
                    rule.health = "err";
                    rule.lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                    LOG.log(Level.DEBUG, () -> "rule evaluation failed user=" + tenant + " group=" + ruleGroupLabel + " rule=" + rule.definition.name()
                            + " err=\"" + rule.lastError + "\"");
                }
                rule.lastEvaluation = ts;
                rule.evaluationSeconds = (System.nanoTime() - ruleStart) / 1e9;
            }
            restorePending = false;
            context.alerts().send(notifications);
            lastEvaluation = ts;
            evaluationSeconds = (System.nanoTime() - start) / 1e9;
            context.metrics().groupEvaluated(tenant, ruleGroupLabel, rules.size(), failures, samples, ts, evaluationSeconds);
            return samples;
        }
        finally {
            lock.unlock();
        }
    }

    private static final class RuleException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RuleException(String message) {
            super(message);
        }
    }

    private PushOutcome push(WriteBatch batch) {
        PushOutcome outcome = context.distributor().push(tenant, batch);
        context.metrics().write(tenant, !outcome.succeeded());
        return outcome;
    }

    /** Runs the rule's query at {@code queryTs}: a vector, or a scalar as a one-element vector. */
    private List<Sample> query(Engine engine, Expr expr, long queryTs) {
        Value value;
        try {
            value = engine.instant(context.querier().queryable(queryTenants()), expr, queryTs).execute().value();
            context.metrics().query(tenant, false);
        }
        catch (RuntimeException e) {
            context.metrics().query(tenant, true);
            throw e;
        }
        return switch (value) {
            case Value.Vector vector -> vector.samples();
            case Value.Scalar scalar -> List.of(new Sample(Labels.empty(), scalar.timestamp(), scalar.value()));
            default -> throw new RuleException("rule result is not a vector or scalar: " + value.typeName());
        };
    }

    private WriteBatch newBatch() {
        WriteBatch batch = new WriteBatch();
        batch.setSource(WriteBatch.Source.RULE);
        return batch;
    }

    private WriteBatch evaluateRecording(RuleState rule, Engine engine, long queryTs) {
        List<Sample> result = query(engine, rule.expr, queryTs);
        long limit = resultLimit();
        Map<Labels, Double> series = new LinkedHashMap<>();
        for (Sample sample : result) {
            Labels.Builder builder = sample.labels().toBuilder().set(Labels.METRIC_NAME, rule.definition.record());
            rule.definition.labels().forEach((name, value) -> {
                if (value.isEmpty()) {
                    builder.delete(name);
                }
                else {
                    builder.set(name, value);
                }
            });
            Labels labels = builder.build();
            if (series.put(labels, sample.value()) != null) {
                throw new RuleException("vector contains metrics with the same labelset after applying rule labels");
            }
        }
        if (limit > 0 && series.size() > limit) {
            markStale(rule, queryTs);
            throw new RuleException("exceeded limit of " + limit + " with " + series.size() + " series");
        }
        WriteBatch batch = newBatch();
        for (Map.Entry<Labels, Double> entry : series.entrySet()) {
            batch.addSeries(entry.getKey());
            batch.addSample(queryTs, entry.getValue());
        }
        staleMarkers(rule, series.keySet(), queryTs, batch);
        rule.written = new HashSet<>(series.keySet());
        return batch;
    }

    private static void staleMarkers(RuleState rule, Set<Labels> current, long queryTs, WriteBatch batch) {
        for (Labels previous : rule.written) {
            if (!current.contains(previous)) {
                batch.addSeries(previous);
                batch.addSample(queryTs, StaleMarker.VALUE);
            }
        }
    }

    private WriteBatch evaluateAlerting(RuleState rule, Engine engine, long ts, long queryTs, List<Notifier.Notification> notifications) {
        RuleDefinition definition = rule.definition;
        List<Sample> result = query(engine, rule.expr, queryTs);
        RuleTemplates.QueryFunction queryFunction = expr -> {
            List<RuleTemplates.QuerySample> samples = new ArrayList<>();
            for (Sample sample : query(engine, PromQLParser.parse(expr), queryTs)) {
                Map<String, String> labels = new LinkedHashMap<>();
                sample.labels().forEach(labels::put);
                samples.add(new RuleTemplates.QuerySample(labels, sample.value()));
            }
            return samples;
        };
        Map<Labels, ActiveAlert> seen = new LinkedHashMap<>();
        ScopedValue.where(RuleTemplates.QUERY, queryFunction).run(() -> {
            for (Sample sample : result) {
                Labels.Builder builder = sample.labels().toBuilder().delete(Labels.METRIC_NAME);
                for (Map.Entry<String, String> label : definition.labels().entrySet()) {
                    String value = expand(definition, label.getValue(), sample);
                    if (value.isEmpty()) {
                        builder.delete(label.getKey());
                    }
                    else {
                        builder.set(label.getKey(), value);
                    }
                }
                builder.set("alertname", definition.alert());
                Labels labels = builder.build();
                Labels.Builder annotations = Labels.builder();
                for (Map.Entry<String, String> annotation : definition.annotations().entrySet()) {
                    String value = expand(definition, annotation.getValue(), sample);
                    if (!value.isEmpty()) {
                        annotations.set(annotation.getKey(), value);
                    }
                }
                if (seen.put(labels, new ActiveAlert(labels, annotations.build(), sample.value(), ts)) != null) {
                    throw new RuleException("vector contains metrics with the same labelset after applying alert labels");
                }
            }
        });
        for (ActiveAlert alert : seen.values()) {
            ActiveAlert existing = rule.active.get(alert.labels);
            if (existing != null && existing.state != State.INACTIVE) {
                existing.value = alert.value;
                existing.annotations = alert.annotations;
                continue;
            }
            rule.active.put(alert.labels, alert);
        }
        if (restorePending && definition.forDuration().toMillis() > 0) {
            restoreForState(rule, seen.keySet(), ts);
        }
        long hold = definition.forDuration().toMillis();
        long keepFiringFor = definition.keepFiringFor().toMillis();
        int activeCount = 0;
        List<Labels> toDelete = new ArrayList<>();
        for (ActiveAlert alert : rule.active.values()) {
            if (!seen.containsKey(alert.labels)) {
                if (alert.state == State.FIRING && keepFiringFor > 0) {
                    if (alert.keepFiringSince == 0) {
                        alert.keepFiringSince = ts;
                    }
                    if (ts - alert.keepFiringSince < keepFiringFor) {
                        activeCount++;
                        continue;
                    }
                }
                if (alert.state == State.PENDING || (alert.resolvedAt != 0 && ts - alert.resolvedAt > RESOLVED_RETENTION_MILLIS)) {
                    toDelete.add(alert.labels);
                }
                if (alert.state != State.INACTIVE) {
                    alert.state = State.INACTIVE;
                    alert.resolvedAt = ts;
                }
                continue;
            }
            alert.keepFiringSince = 0;
            activeCount++;
            if (alert.state == State.PENDING && ts - alert.activeAt >= hold) {
                alert.state = State.FIRING;
                alert.firedAt = ts;
            }
        }
        for (Labels labels : toDelete) {
            rule.active.remove(labels);
        }
        long limit = resultLimit();
        if (limit > 0 && activeCount > limit) {
            rule.active.clear();
            markStale(rule, queryTs);
            throw new RuleException("exceeded limit of " + limit + " with " + activeCount + " alerts");
        }
        WriteBatch batch = newBatch();
        Set<Labels> written = new HashSet<>();
        for (ActiveAlert alert : rule.active.values()) {
            if (alert.state == State.INACTIVE) {
                continue;
            }
            Labels alertsSeries = alert.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS).set("alertstate", alert.state.apiName()).build();
            batch.addSeries(alertsSeries);
            batch.addSample(queryTs, 1);
            written.add(alertsSeries);
            Labels forState = alert.labels.toBuilder().set(Labels.METRIC_NAME, ALERTS_FOR_STATE).build();
            batch.addSeries(forState);
            batch.addSample(queryTs, alert.activeAt / 1000);
            written.add(forState);
        }
        staleMarkers(rule, written, queryTs, batch);
        rule.written = written;
        collectNotifications(rule, ts, notifications);
        return batch;
    }

    private String expand(RuleDefinition definition, String text, Sample sample) {
        return context.templates().expand(definition.alert(), text, sample.labels(), sample.value(), context.externalLabels(), context.externalUrl());
    }

    /**
     * Sets the pending time of the alerts just found from the latest {@code ALERTS_FOR_STATE} sample
     * within the outage tolerance, so a restart does not reset {@code for}.
     */
    private void restoreForState(RuleState rule, Set<Labels> alerts, long ts) {
        if (alerts.isEmpty()) {
            return;
        }
        long mint = ts - context.outageTolerance().toMillis();
        List<Matcher> matchers = List.of(Matcher.equal(Labels.METRIC_NAME, ALERTS_FOR_STATE), Matcher.equal("alertname", rule.definition.alert()));
        Map<Labels, Long> restored = new HashMap<>();
        try (Querier querier = context.querier().queryable(List.of(tenant)).querier(mint, ts)) {
            SeriesSet series = querier.select(false, matchers);
            while (series.next()) {
                Labels alertLabels = series.labels().toBuilder().delete(Labels.METRIC_NAME).build();
                if (!alerts.contains(alertLabels)) {
                    continue;
                }
                SampleIterator samples = series.iterator();
                double last = Double.NaN;
                while (samples.next()) {
                    if (!StaleMarker.is(samples.value())) {
                        last = samples.value();
                    }
                }
                if (!Double.isNaN(last)) {
                    restored.put(alertLabels, (long) last * 1000);
                }
            }
            context.metrics().query(tenant, false);
        }
        catch (RuntimeException e) {
            context.metrics().query(tenant, true);
            LOG.log(Level.WARNING, "failed to restore alert for state user=" + tenant + " group=" + ruleGroupLabel + " alert=" + rule.definition.alert()
                    + " err=\"" + e.getMessage() + "\"");
            return;
        }
        for (Map.Entry<Labels, Long> entry : restored.entrySet()) {
            ActiveAlert alert = rule.active.get(entry.getKey());
            if (alert != null && alert.state == State.PENDING && entry.getValue() > 0 && entry.getValue() < alert.activeAt) {
                alert.activeAt = entry.getValue();
                LOG.log(Level.INFO, "restored alert for state user=" + tenant + " group=" + ruleGroupLabel + " alert=" + rule.definition.alert()
                        + " active_at=" + entry.getValue());
            }
        }
    }

    private void collectNotifications(RuleState rule, long ts, List<Notifier.Notification> notifications) {
        long resendDelay = context.resendDelay().toMillis();
        long delta = Math.max(resendDelay, intervalMillis());
        String generatorUrl = context.externalUrl() + "/graph?g0.expr=" + URLEncoder.encode(rule.definition.expr(), StandardCharsets.UTF_8) + "&g0.tab=1";
        for (ActiveAlert alert : rule.active.values()) {
            if (!alert.needsSending(ts, resendDelay)) {
                continue;
            }
            alert.lastSentAt = ts;
            alert.validUntil = ts + 4 * delta;
            Labels labels = alert.labels;
            if (!context.externalLabels().isEmpty()) {
                Labels.Builder builder = labels.toBuilder();
                context.externalLabels().forEach((name, value) -> {
                    if (!alert.labels.has(name)) {
                        builder.set(name, value);
                    }
                });
                labels = builder.build();
            }
            long endsAt = alert.resolvedAt != 0 ? alert.resolvedAt : alert.validUntil;
            notifications.add(new Notifier.Notification(tenant, labels, alert.annotations, alert.firedAt, endsAt, generatorUrl));
        }
    }

    /** The group's state for the Prometheus rules and alerts API. */
    public GroupStatus status() {
        lock.lock();
        try {
            List<RuleStatus> statuses = new ArrayList<>();
            for (RuleState rule : rules) {
                List<ActiveAlert.Snapshot> alerts = new ArrayList<>();
                State state = State.INACTIVE;
                for (ActiveAlert alert : rule.active.values()) {
                    if (alert.state == State.INACTIVE) {
                        continue;
                    }
                    alerts.add(alert.snapshot());
                    if (alert.state.ordinal() > state.ordinal()) {
                        state = alert.state;
                    }
                }
                statuses.add(new RuleStatus(rule.definition, rule.health, rule.lastError, rule.lastEvaluation, rule.evaluationSeconds, state, alerts));
            }
            return new GroupStatus(group, intervalMillis(), lastEvaluation, evaluationSeconds, statuses);
        }
        finally {
            lock.unlock();
        }
    }

    /** One rule's state. */
    public record RuleStatus(RuleDefinition definition, String health, String lastError, long lastEvaluation, double evaluationSeconds, State state,
            List<ActiveAlert.Snapshot> alerts) {}

    /** A group's state. */
    public record GroupStatus(RuleGroupDefinition group, long intervalMillis, long lastEvaluation, double evaluationSeconds, List<RuleStatus> rules) {}
}
