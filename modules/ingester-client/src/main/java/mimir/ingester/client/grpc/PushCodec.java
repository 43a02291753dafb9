package mimir.ingester.client.grpc;

import java.util.Optional;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.proto.ingesterpb.PushError;
import mimir.proto.ingesterpb.PushRequest;
import mimir.proto.ingesterpb.PushResponse;
import mimir.proto.ingesterpb.PushSeries;
import mimir.proto.ingesterpb.WriteSource;
import mimir.proto.prompb.Exemplar;

/**
 * A {@link WriteBatch} as a {@code cortex.PushRequest} and back, and a {@link PushResult} as a
 * {@code PushResponse} and back. Samples travel as a series' two packed columns (timestamp deltas and
 * values), which protobuf-java keeps in primitive lists: neither end allocates per sample.
 */
public final class PushCodec {
    private PushCodec() {}

    public static PushRequest encode(WriteBatch batch) {
        PushRequest.Builder request = PushRequest.newBuilder();
        if (batch.source() == WriteBatch.Source.RULE) {
            request.setSource(WriteSource.RULE);
        }
        for (int series = 0; series < batch.seriesCount(); series++) {
            PushSeries.Builder encoded = PushSeries.newBuilder().addAllLabels(IngesterProtos.labelsToProto(batch.labels(series)));
            long previous = 0;
            for (int sample = batch.sampleStart(series); sample < batch.sampleEnd(series); sample++) {
                long timestamp = batch.timestamp(sample);
                // Wraps for extreme timestamps; the decoder's sum wraps back, so every long survives.
                encoded.addTimestampDeltas(timestamp - previous);
                encoded.addValues(batch.value(sample));
                previous = timestamp;
            }
            for (int exemplar = batch.exemplarStart(series); exemplar < batch.exemplarEnd(series); exemplar++) {
                encoded.addExemplars(Exemplar.newBuilder()
                        .addAllLabels(IngesterProtos.labelsToProto(batch.exemplarLabels(exemplar)))
                        .setTimestamp(batch.exemplarTimestamp(exemplar))
                        .setValue(batch.exemplarValue(exemplar)));
            }
            request.addSeries(encoded);
        }
        for (MetricMetadata metadata : batch.metadata()) {
            request.addMetadata(IngesterProtos.metadataToProto(metadata));
        }
        return request.build();
    }

    /**
     * Decodes {@code request} into {@code batch} (cleared first). Either the whole request is decoded
     * or the call throws: on failure the batch holds a prefix and must not be pushed.
     *
     * @throws IllegalArgumentException if the request is not a valid batch (labels unsorted or empty, as
     *         many values as timestamps, unknown enum numbers), naming the series
     */
    public static void decode(PushRequest request, WriteBatch batch) {
        batch.clear();
        batch.setSource(switch (request.getSource()) {
            case API -> WriteBatch.Source.API;
            case RULE -> WriteBatch.Source.RULE;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown write source " + request.getSourceValue());
        });
        for (int series = 0; series < request.getSeriesCount(); series++) {
            PushSeries encoded = request.getSeries(series);
            int samples = encoded.getTimestampDeltasCount();
            if (encoded.getValuesCount() != samples) {
                throw new IllegalArgumentException("series " + series + " has " + samples + " timestamps but " + encoded.getValuesCount() + " values");
            }
            Labels labels;
            try {
                labels = IngesterProtos.labelsFromProto(encoded.getLabelsList());
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("series " + series + ": " + e.getMessage(), e);
            }
            batch.addSeries(labels);
            long timestamp = 0;
            for (int sample = 0; sample < samples; sample++) {
                timestamp += encoded.getTimestampDeltas(sample);
                batch.addSample(timestamp, encoded.getValues(sample));
            }
            for (int i = 0; i < encoded.getExemplarsCount(); i++) {
                Exemplar exemplar = encoded.getExemplars(i);
                Labels exemplarLabels;
                try {
                    exemplarLabels = IngesterProtos.labelsFromProto(exemplar.getLabelsList());
                }
                catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("exemplar " + i + " of series " + labels + ": " + e.getMessage(), e);
                }
                batch.addExemplar(exemplarLabels, exemplar.getTimestamp(), exemplar.getValue());
            }
        }
        for (mimir.proto.prompb.MetricMetadata metadata : request.getMetadataList()) {
            batch.addMetadata(IngesterProtos.metadataFromProto(metadata));
        }
    }

    public static PushResponse encode(PushResult result) {
        PushResponse.Builder response = PushResponse.newBuilder()
                .setAcceptedSamples(result.acceptedSamples())
                .setRejectedSamples(result.rejectedSamples())
                .setAcceptedExemplars(result.acceptedExemplars());
        result.firstError().ifPresent(error -> response.setFirstError(PushError.newBuilder().setHttpStatus(error.httpStatus()).setMessage(error.message())));
        return response.build();
    }

    /** @throws IllegalArgumentException for negative counts */
    public static PushResult decode(PushResponse response) {
        Optional<PushResult.PushError> firstError = response.hasFirstError()
                ? Optional.of(new PushResult.PushError(response.getFirstError().getHttpStatus(), response.getFirstError().getMessage()))
                : Optional.empty();
        return new PushResult(response.getAcceptedSamples(), response.getRejectedSamples(), response.getAcceptedExemplars(), firstError);
    }
}
