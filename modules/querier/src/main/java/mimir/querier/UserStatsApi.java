package mimir.querier;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.UserStats;
import mimir.promql.api.PromFormat;
import mimir.spi.http.HttpResponse;

/** {@code GET /api/v1/user_stats}: the tenant's ingestion statistics as Mimir's {@code UserStats} JSON. */
final class UserStatsApi {
    private final Supplier<IngesterClient> ingester;

    UserStatsApi(Supplier<IngesterClient> ingester) {
        this.ingester = requireNonNull(ingester, "ingester is null");
    }

    HttpResponse handle(String tenant) {
        UserStats stats = ingester.get().userStats(tenant);
        String json = "{\"ingestionRate\":" + goFloat(stats.ingestionRate()) + ",\"numSeries\":" + stats.numSeries() + ",\"APIIngestionRate\":"
                + goFloat(stats.apiIngestionRate()) + ",\"RuleIngestionRate\":" + goFloat(stats.ruleIngestionRate()) + "}";
        return HttpResponse.json(200, json);
    }

    /** A float64 as Go's encoding/json writes it: shortest digits, exponent form outside [1e-6, 1e21) with {@code e-7} not {@code e-07}. */
    static String goFloat(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "0";
        }
        String text = PromFormat.sampleValue(value);
        int e = text.indexOf("e-0");
        if (e >= 0 && e + 4 == text.length()) {
            text = text.substring(0, e + 2) + text.charAt(e + 3);
        }
        return text;
    }
}
