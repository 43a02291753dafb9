package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import mimir.spi.config.Durations;

/**
 * One entry of the {@code blocked_queries} limit: queries matching {@code pattern} are rejected with
 * {@code reason}, optionally only when their range is long or their step small.
 *
 * @param pattern               PromQL expression to match, literally or as a regular expression; never blank
 * @param regex                 true if {@code pattern} is a regular expression
 * @param reason                returned to the client when a query is rejected; may be empty
 * @param unalignedRangeQueries true to block only range queries whose range is not step-aligned
 * @param timeRangeLongerThan   block only queries whose range is longer than this; zero disables
 * @param minimumStepSize       block only range queries whose step is smaller than this; zero disables
 */
public record BlockedQuery(
        String pattern,
        boolean regex,
        String reason,
        boolean unalignedRangeQueries,
        Duration timeRangeLongerThan,
        Duration minimumStepSize) {

    private static final Set<String> FIELDS = Set.of(
            "pattern", "regex", "reason", "unaligned_range_queries", "time_range_longer_than", "minimum_step_size");

    public BlockedQuery {
        requireNonNull(pattern, "pattern is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(timeRangeLongerThan, "timeRangeLongerThan is null");
        requireNonNull(minimumStepSize, "minimumStepSize is null");
        // Mimir rejects a rule without a pattern rather than letting it match everything by accident.
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("pattern is required");
        }
    }

    static BlockedQuery fromYaml(Object node, String context) {
        YamlFields fields = YamlFields.of(node, context, FIELDS);
        String pattern = fields.string("pattern", "");
        if (pattern.isBlank()) {
            throw new IllegalArgumentException(context + ": pattern is required");
        }
        return new BlockedQuery(
                pattern,
                fields.bool("regex", false),
                fields.string("reason", ""),
                fields.bool("unaligned_range_queries", false),
                fields.duration("time_range_longer_than", Duration.ZERO),
                fields.duration("minimum_step_size", Duration.ZERO));
    }

    Map<String, Object> toYaml() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pattern", pattern);
        out.put("regex", regex);
        out.put("reason", reason);
        // Mimir omits these three when unset.
        if (unalignedRangeQueries) {
            out.put("unaligned_range_queries", true);
        }
        if (!timeRangeLongerThan.isZero()) {
            out.put("time_range_longer_than", Durations.format(timeRangeLongerThan));
        }
        if (!minimumStepSize.isZero()) {
            out.put("minimum_step_size", Durations.format(minimumStepSize));
        }
        return out;
    }
}
