package mimir.otlp;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;

/**
 * The per-tenant OTLP options one translation uses, read from {@link Limits}.
 *
 * @param translationStrategy          the effective {@code otel_translation_strategy}: when the limit is empty it is derived
 *                                     from {@code name_validation_scheme} and {@code otel_metric_suffixes_enabled}, as Mimir does
 * @param addSuffixes                  unit, {@code _total} and {@code _ratio} suffixes on metric names
 * @param utf8Allowed                  metric and label names pass unescaped
 * @param underscoreSanitization       {@code otel_label_name_underscore_sanitization}
 * @param preserveMultipleUnderscores  {@code otel_label_name_preserve_multiple_underscores}
 * @param promoteResourceAttributes    {@code promote_otel_resource_attributes}
 * @param keepIdentifyingAttributes    {@code otel_keep_identifying_resource_attributes}
 * @param promoteScopeMetadata         {@code otel_promote_scope_metadata}
 * @param nativeDeltaIngestion         {@code otel_native_delta_ingestion}: delta sums are stored as they come
 */
record OtlpSettings(
        String translationStrategy,
        boolean addSuffixes,
        boolean utf8Allowed,
        boolean underscoreSanitization,
        boolean preserveMultipleUnderscores,
        List<String> promoteResourceAttributes,
        boolean keepIdentifyingAttributes,
        boolean promoteScopeMetadata,
        boolean nativeDeltaIngestion) {
    static final String UNDERSCORE_ESCAPING_WITH_SUFFIXES = "UnderscoreEscapingWithSuffixes";
    static final String UNDERSCORE_ESCAPING_WITHOUT_SUFFIXES = "UnderscoreEscapingWithoutSuffixes";
    static final String NO_UTF8_ESCAPING_WITH_SUFFIXES = "NoUTF8EscapingWithSuffixes";
    static final String NO_TRANSLATION = "NoTranslation";

    OtlpSettings {
        requireNonNull(translationStrategy, "translationStrategy is null");
        promoteResourceAttributes = List.copyOf(requireNonNull(promoteResourceAttributes, "promoteResourceAttributes is null"));
    }

    static OtlpSettings from(Limits limits) throws OtlpRequestException {
        String strategy = limits.otelTranslationStrategy();
        boolean suffixes = limits.otelMetricSuffixesEnabled();
        if (strategy.isEmpty()) {
            boolean utf8 = limits.nameValidationScheme().equals("utf8");
            strategy = utf8
                    ? (suffixes ? NO_UTF8_ESCAPING_WITH_SUFFIXES : NO_TRANSLATION)
                    : (suffixes ? UNDERSCORE_ESCAPING_WITH_SUFFIXES : UNDERSCORE_ESCAPING_WITHOUT_SUFFIXES);
        }
        boolean escape;
        boolean addSuffixes;
        switch (strategy) {
            case UNDERSCORE_ESCAPING_WITH_SUFFIXES -> {
                escape = true;
                addSuffixes = true;
            }
            case UNDERSCORE_ESCAPING_WITHOUT_SUFFIXES -> {
                escape = true;
                addSuffixes = false;
            }
            case NO_UTF8_ESCAPING_WITH_SUFFIXES -> {
                escape = false;
                addSuffixes = true;
            }
            case NO_TRANSLATION -> {
                escape = false;
                addSuffixes = false;
            }
            default -> throw new OtlpRequestException(400, "otlp translation strategy " + strategy + " is not supported (-"
                    + LimitsSettings.OTEL_TRANSLATION_STRATEGY.setting().flag() + "); supported: " + UNDERSCORE_ESCAPING_WITH_SUFFIXES
                    + ", " + UNDERSCORE_ESCAPING_WITHOUT_SUFFIXES + ", " + NO_UTF8_ESCAPING_WITH_SUFFIXES + ", " + NO_TRANSLATION);
        }
        return new OtlpSettings(strategy, addSuffixes, !escape,
                limits.otelLabelNameUnderscoreSanitization(),
                limits.otelLabelNamePreserveMultipleUnderscores(),
                limits.promoteOtelResourceAttributes(),
                limits.otelKeepIdentifyingResourceAttributes(),
                limits.otelPromoteScopeMetadata(),
                limits.otelNativeDeltaIngestion());
    }
}
