/**
 * OTLP/HTTP metrics to Mimir write batches.
 *
 * <p>Design rules: {@link mimir.otlp.OtlpTranslator} is the only entry point and is thread-safe; all
 * per-request state lives in a {@code MetricsConverter} created per call. Decoding
 * ({@code OtlpRequestDecoder}) is separate from translation so both body formats produce the same
 * protobuf message and therefore the same batch. Names follow Prometheus's {@code otlptranslator}
 * ({@code OtlpNaming}); attribute values are stringified the way the OpenTelemetry collector's
 * {@code pcommon.Value.AsString} does ({@code AttributeValues}). A metric that cannot be translated
 * is never dropped silently: it becomes one message in {@link mimir.otlp.OtlpResult#rejections()} and
 * its data points count as rejected.
 */
package mimir.otlp;
