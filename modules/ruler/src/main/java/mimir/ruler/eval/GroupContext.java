package mimir.ruler.eval;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import mimir.distributor.client.DistributorClient;
import mimir.querier.client.QuerierClient;
import mimir.spi.Overrides;

/**
 * What every group evaluator of the ruler shares.
 *
 * @param alerts            where alerts to send go (the notifier)
 * @param defaultInterval   {@code -ruler.evaluation-interval}
 * @param resendDelay       {@code -ruler.resend-delay}
 * @param outageTolerance   {@code -ruler.for-outage-tolerance}: how old the last {@code ALERTS_FOR_STATE}
 *                          sample may be for a restart to restore an alert's {@code for} state
 * @param externalUrl       {@code -ruler.external.url}, for generator URLs and {@code $externalURL}
 * @param externalLabels    labels added to every alert sent ({@code $externalLabels})
 */
public record GroupContext(QuerierClient querier, DistributorClient distributor, AlertSender alerts, EvaluationMetrics metrics, Clock clock,
        Overrides overrides, RuleTemplates templates, Duration defaultInterval, Duration resendDelay, Duration outageTolerance, String externalUrl,
        Map<String, String> externalLabels) {
    public GroupContext {
        requireNonNull(querier, "querier is null");
        requireNonNull(distributor, "distributor is null");
        requireNonNull(alerts, "alerts is null");
        requireNonNull(metrics, "metrics is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(overrides, "overrides is null");
        requireNonNull(templates, "templates is null");
        requireNonNull(defaultInterval, "defaultInterval is null");
        requireNonNull(resendDelay, "resendDelay is null");
        requireNonNull(outageTolerance, "outageTolerance is null");
        requireNonNull(externalUrl, "externalUrl is null");
        externalLabels = Map.copyOf(externalLabels);
    }
}
