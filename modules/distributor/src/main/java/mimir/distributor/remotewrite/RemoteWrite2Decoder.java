package mimir.distributor.remotewrite;

import static mimir.distributor.remotewrite.WireReader.FIXED64;
import static mimir.distributor.remotewrite.WireReader.LENGTH_DELIMITED;
import static mimir.distributor.remotewrite.WireReader.VARINT;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;

/**
 * Decodes a Prometheus remote write 2.0 {@code io.prometheus.write.v2.Request} from its wire bytes into
 * a {@link WriteBatch}: first the symbols table (wherever it is in the message), then each series with
 * its {@code labels_refs} resolved against it. Per-series metadata becomes one {@link MetricMetadata}
 * per metric name and request. Histograms are discarded with an error, as in
 * {@link RemoteWrite1Decoder}. One decoder per thread.
 */
public final class RemoteWrite2Decoder {
    private final WireReader in = new WireReader();
    private final LabelStringCache strings;
    private final SeriesLabels seriesLabels = new SeriesLabels();
    private String[] symbols = new String[256];
    /** Per symbol: its bytes are not valid UTF-8 (then {@link #symbols} holds them with replacement characters). */
    private boolean[] invalid = new boolean[256];
    private int symbolCount;
    private int[] refs = new int[64];

    public RemoteWrite2Decoder() {
        this(12);
    }

    public RemoteWrite2Decoder(int cacheBits) {
        this.strings = new LabelStringCache(cacheBits);
    }

    /**
     * Decodes {@code body[offset, offset + length)} into {@code batch} (cleared first).
     *
     * @throws MalformedRequestException if the bytes are not a valid {@code Request} or a reference
     *         points outside the symbols table
     */
    public void decode(byte[] body, int offset, int length, WriteBatch batch, Discards discards) throws MalformedRequestException {
        batch.clear();
        Arrays.fill(symbols, 0, symbolCount, null);
        symbolCount = 0;
        in.reset(body, offset, length, "io.prometheus.write.v2.Request");
        while (in.hasRemaining()) {
            int tag = in.tag();
            if (tag == (4 << 3 | LENGTH_DELIMITED)) {
                symbol();
            }
            else {
                in.skip(tag & 7);
            }
        }
        if (symbolCount > 0 && !symbols[0].isEmpty()) {
            throw new MalformedRequestException("invalid remote write 2.0 request: symbols[0] must be the empty string");
        }
        Set<String> metadataNames = null;
        in.reset(body, offset, length, "io.prometheus.write.v2.Request");
        while (in.hasRemaining()) {
            int tag = in.tag();
            if (tag >>> 3 == 5) {
                in.expect(tag, LENGTH_DELIMITED);
                int outer = in.pushLimit(in.length());
                MetricMetadata metadata = series(batch, discards);
                in.popLimit(outer);
                if (metadata != null) {
                    metadataNames = metadataNames == null ? new HashSet<>() : metadataNames;
                    if (metadataNames.add(metadata.metricFamilyName())) {
                        batch.addMetadata(metadata);
                    }
                }
            }
            else {
                in.skip(tag & 7);
            }
        }
    }

    private void symbol() throws MalformedRequestException {
        int length = in.length();
        if (symbolCount == symbols.length) {
            symbols = Arrays.copyOf(symbols, symbolCount * 2);
            invalid = Arrays.copyOf(invalid, symbolCount * 2);
        }
        String value = strings.decode(in.buffer, in.position, length);
        invalid[symbolCount] = value == null;
        symbols[symbolCount++] = value != null ? value : new String(in.buffer, in.position, length, StandardCharsets.UTF_8);
        in.position += length;
    }

    /** Reads one series; returns its metadata if it has any worth keeping. */
    private MetricMetadata series(WriteBatch batch, Discards discards) throws MalformedRequestException {
        int start = in.position;
        int refCount = 0;
        int samples = 0;
        int histograms = 0;
        int metadataType = 0;
        int helpRef = 0;
        int unitRef = 0;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag) {
                case 1 << 3 | LENGTH_DELIMITED -> {
                    int outer = in.pushLimit(in.length());
                    while (in.hasRemaining()) {
                        refs = refCount == refs.length ? Arrays.copyOf(refs, refCount * 2) : refs;
                        refs[refCount++] = ref();
                    }
                    in.popLimit(outer);
                }
                case 1 << 3 | VARINT -> {
                    refs = refCount == refs.length ? Arrays.copyOf(refs, refCount * 2) : refs;
                    refs[refCount++] = ref();
                }
                case 2 << 3 | LENGTH_DELIMITED -> {
                    in.skip(LENGTH_DELIMITED);
                    samples++;
                }
                case 3 << 3 | LENGTH_DELIMITED -> {
                    in.skip(LENGTH_DELIMITED);
                    histograms++;
                }
                case 5 << 3 | LENGTH_DELIMITED -> {
                    int outer = in.pushLimit(in.length());
                    while (in.hasRemaining()) {
                        int field = in.tag();
                        switch (field) {
                            case 1 << 3 | VARINT -> metadataType = (int) in.varint();
                            case 3 << 3 | VARINT -> helpRef = ref();
                            case 4 << 3 | VARINT -> unitRef = ref();
                            default -> in.skip(field & 7);
                        }
                    }
                    in.popLimit(outer);
                }
                default -> in.skip(tag & 7);
            }
        }
        if (refCount % 2 != 0) {
            throw in.malformed("labels_refs has an odd number of entries (" + refCount + ")");
        }
        seriesLabels.clear();
        for (int i = 0; i < refCount; i += 2) {
            int value = refs[i + 1];
            seriesLabels.add(symbols[refs[i]], invalid[value] ? null : symbols[value], symbols[value]);
        }
        Labels labels = seriesLabels.build(discards, samples + histograms);
        if (labels == null) {
            return null;
        }
        if (histograms > 0) {
            discards.samples(RemoteWrite1Decoder.REASON_HISTOGRAMS_NOT_SUPPORTED, histograms,
                    RemoteWrite1Decoder.histogramsNotSupported(histograms, labels));
        }
        batch.addSeries(labels);
        in.position = start;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag) {
                case 2 << 3 | LENGTH_DELIMITED -> {
                    int outer = in.pushLimit(in.length());
                    in.sample(batch);
                    in.popLimit(outer);
                }
                case 4 << 3 | LENGTH_DELIMITED -> {
                    int outer = in.pushLimit(in.length());
                    exemplar(batch);
                    in.popLimit(outer);
                }
                default -> in.skip(tag & 7);
            }
        }
        String metricName = labels.get(Labels.METRIC_NAME);
        if (metricName.isEmpty() || (metadataType == 0 && helpRef == 0 && unitRef == 0)) {
            return null;
        }
        return new MetricMetadata(metricName, RemoteWrite1Decoder.metricType(metadataType), symbols[helpRef], symbols[unitRef]);
    }

    private int ref() throws MalformedRequestException {
        long ref = in.varint();
        if (ref < 0 || ref >= symbolCount) {
            throw in.malformed("symbol reference " + ref + " outside the symbols table of " + symbolCount + " entries");
        }
        return (int) ref;
    }

    private void exemplar(WriteBatch batch) throws MalformedRequestException {
        double value = 0;
        long timestamp = 0;
        Labels.Builder labels = null;
        int pending = -1;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag) {
                case 1 << 3 | LENGTH_DELIMITED -> {
                    int outer = in.pushLimit(in.length());
                    while (in.hasRemaining()) {
                        int ref = ref();
                        if (pending < 0) {
                            pending = ref;
                        }
                        else {
                            labels = addExemplarLabel(labels, pending, ref);
                            pending = -1;
                        }
                    }
                    in.popLimit(outer);
                }
                case 1 << 3 | VARINT -> {
                    int ref = ref();
                    if (pending < 0) {
                        pending = ref;
                    }
                    else {
                        labels = addExemplarLabel(labels, pending, ref);
                        pending = -1;
                    }
                }
                case 2 << 3 | FIXED64 -> value = in.fixed64Double();
                case 3 << 3 | VARINT -> timestamp = in.varint();
                default -> in.skip(tag & 7);
            }
        }
        if (pending >= 0) {
            throw in.malformed("exemplar labels_refs has an odd number of entries");
        }
        batch.addExemplar(labels == null ? Labels.empty() : labels.build(), timestamp, value);
    }

    private Labels.Builder addExemplarLabel(Labels.Builder labels, int name, int value) {
        if (symbols[name].isEmpty()) {
            return labels;
        }
        Labels.Builder builder = labels == null ? Labels.builder() : labels;
        builder.set(symbols[name], symbols[value]);
        return builder;
    }
}
