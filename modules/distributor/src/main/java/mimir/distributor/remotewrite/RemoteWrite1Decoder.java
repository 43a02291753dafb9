package mimir.distributor.remotewrite;

import static mimir.distributor.remotewrite.WireReader.FIXED64;
import static mimir.distributor.remotewrite.WireReader.LENGTH_DELIMITED;
import static mimir.distributor.remotewrite.WireReader.VARINT;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;

/**
 * Decodes a Prometheus remote write 1.0 {@code prometheus.WriteRequest} straight from its wire bytes
 * into a {@link WriteBatch}: samples go into the batch's primitive arrays, nothing is allocated per
 * sample, and label strings come from a {@link LabelStringCache} so repeated names and values are not
 * re-allocated. A series is read in two passes over its bytes (labels first, then samples and
 * exemplars), so field order on the wire does not matter. Unknown fields are skipped (Mimir's
 * {@code source} in field 2 among them).
 *
 * <p>Native histograms are not supported yet: a series carrying them keeps its float samples and its
 * histogram samples are discarded with an error for the client, never silently.
 *
 * <p>Measured by {@code bench/.../RemoteWriteDecodeBenchmark} ({@code -prof gc}, JDK 25, a shared and
 * loaded 2-core machine, so times are rough; allocation figures are exact), per sample, for a
 * request of 2,000 samples with 10 labels per series:
 * <pre>
 *                                2,000 series x 1 sample      200 series x 10 samples
 *                                ns/sample   bytes/sample     ns/sample   bytes/sample
 * this decoder, string cache        646          243              78           15
 * this decoder, no cache            926        1,165              74          117
 * generated classes + copy          892        2,572             114          323
 * </pre>
 * What is left is per series (its {@code Labels}, strings the cache has not seen); nothing is
 * allocated per sample. The cache pays where series repeat between requests, as they do from one
 * Prometheus.
 *
 * <p>One decoder per thread; it keeps its scratch state and cache between requests.
 */
public final class RemoteWrite1Decoder {
    static final String REASON_HISTOGRAMS_NOT_SUPPORTED = "native_histograms_not_supported";
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HASH_SEED = 0x2545F4914F6CDD1DL;

    private final WireReader in = new WireReader();
    private final LabelStringCache strings;
    private final SeriesLabels seriesLabels = new SeriesLabels();
    /** The current series' label fields: offset and length of each {@code Label} message. */
    private int[] labelStarts = new int[32];
    private int[] labelLengths = new int[32];
    private int labelCount;
    /** A label string's bytes, for comparing them with the wire bytes in one go. */
    private byte[] scratch = new byte[256];

    public RemoteWrite1Decoder() {
        this(12);
    }

    /** A decoder whose label string cache has {@code 2^cacheBits} entries (0: no cache). */
    public RemoteWrite1Decoder(int cacheBits) {
        this.strings = new LabelStringCache(cacheBits);
    }

    /**
     * Decodes {@code body[offset, offset + length)} into {@code batch} (cleared first); series that
     * cannot be stored and histogram samples are recorded in {@code discards}.
     *
     * @throws MalformedRequestException if the bytes are not a valid {@code WriteRequest}
     */
    public void decode(byte[] body, int offset, int length, WriteBatch batch, Discards discards) throws MalformedRequestException {
        decode(body, offset, length, batch, discards, null, null);
    }

    /**
     * Decodes like {@link #decode(byte[], int, int, WriteBatch, Discards)}, taking the labels of a series
     * from {@code cache} when the cache holds exactly the series' label bytes (then they are not decoded
     * again), and recording per series its cache key and whether it was found in {@code keys}.
     */
    public void decode(byte[] body, int offset, int length, WriteBatch batch, Discards discards, SeriesCache cache, SeriesKeys keys)
            throws MalformedRequestException {
        batch.clear();
        if (keys != null) {
            keys.clear();
        }
        in.reset(body, offset, length, "prometheus.WriteRequest");
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    int outer = in.pushLimit(in.length());
                    series(batch, discards, cache, keys);
                    in.popLimit(outer);
                }
                case 3 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    int outer = in.pushLimit(in.length());
                    batch.addMetadata(metadata());
                    in.popLimit(outer);
                }
                default -> in.skip(tag & 7);
            }
        }
    }

    private void series(WriteBatch batch, Discards discards, SeriesCache cache, SeriesKeys keys) throws MalformedRequestException {
        int start = in.position;
        labelCount = 0;
        long hash = HASH_SEED;
        int samples = 0;
        int histograms = 0;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    int length = in.length();
                    addLabelRange(in.position, length);
                    if (cache != null) {
                        hash = hash(hash, in.buffer, in.position, length);
                    }
                    in.position += length;
                }
                case 2 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    in.skip(LENGTH_DELIMITED);
                    samples++;
                }
                case 4 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    in.skip(LENGTH_DELIMITED);
                    histograms++;
                }
                default -> in.skip(tag & 7);
            }
        }
        Labels found = null;
        Object handle = null;
        if (cache != null) {
            hash = finish(hash);
            for (int way = 0; way < SeriesCache.WAYS && found == null; way++) {
                Labels candidate = cache.candidate(hash, way);
                if (candidate != null && matches(candidate)) {
                    found = candidate;
                    handle = cache.handle(hash, way);
                }
            }
        }
        boolean fromCache = found != null;
        if (found == null) {
            seriesLabels.clear();
            for (int i = 0; i < labelCount; i++) {
                in.position = labelStarts[i];
                int outer = in.pushLimit(labelLengths[i]);
                label();
                in.popLimit(outer);
            }
            found = seriesLabels.build(discards, samples + histograms);
            if (found == null) {
                return;
            }
        }
        if (histograms > 0) {
            discards.samples(REASON_HISTOGRAMS_NOT_SUPPORTED, histograms, histogramsNotSupported(histograms, found));
        }
        batch.addSeries(found, handle);
        if (keys != null) {
            keys.add(hash, fromCache);
        }
        in.position = start;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 2 -> {
                    int outer = in.pushLimit(in.length());
                    in.sample(batch);
                    in.popLimit(outer);
                }
                case 3 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    int outer = in.pushLimit(in.length());
                    exemplar(batch);
                    in.popLimit(outer);
                }
                default -> in.skip(tag & 7);
            }
        }
    }

    private void addLabelRange(int position, int length) {
        if (labelCount == labelStarts.length) {
            labelStarts = Arrays.copyOf(labelStarts, labelCount * 2);
            labelLengths = Arrays.copyOf(labelLengths, labelCount * 2);
        }
        labelStarts[labelCount] = position;
        labelLengths[labelCount] = length;
        labelCount++;
    }

    /**
     * Folds {@code bytes[offset, offset + length)} into {@code hash}, eight bytes at a time. Not a
     * cryptographic hash: a collision costs one comparison with the candidate, never a wrong series.
     */
    static long hash(long hash, byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            hash = (hash ^ (long) LONG_LE.get(bytes, i)) * 0x9E3779B97F4A7C15L;
            hash ^= hash >>> 29;
        }
        long tail = length;
        for (; i < end; i++) {
            tail = (tail << 8) | (bytes[i] & 0xff);
        }
        hash = (hash ^ tail) * 0x9E3779B97F4A7C15L;
        return hash ^ (hash >>> 29);
    }

    /** MurmurHash3's 64-bit finalizer, so every input bit reaches the table's slot and tag bits. */
    static long finish(long hash) {
        hash = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
        hash = (hash ^ (hash >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }

    /**
     * True if the label fields just read are exactly {@code candidate}: the same names and values in
     * the same (sorted) order, each field a name then a value and nothing else. The candidate's wire bytes are
     * written out (its strings are ASCII, see {@link SeriesCache#put}, so their low bytes are their
     * UTF-8 bytes) and compared with the series' in one go: comparing string by string cost a fifth of
     * the decoder's time, mostly per call. Anything else (an unsorted or empty label the slow path would
     * fix or drop, label fields not next to each other, a name of 128 bytes or more) answers false, and
     * the series is decoded the slow way.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, no allocation.
    private boolean matches(Labels candidate) {
        int labels = labelCount;
        if (candidate.size() != labels || labels == 0) {
            return false;
        }
        int base = labelStarts[0];
        int last = labels - 1;
        int size = labelStarts[last] + labelLengths[last] - base;
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, scratch.length * 2)];
        }
        byte[] image = scratch;
        int p = 0;
        for (int i = 0; i < labels; i++) {
            if (i > 0) {
                // The next Label field's tag and length, as on the wire between two label fields.
                if (p + 4 > size) {
                    return false;
                }
                image[p++] = 1 << 3 | LENGTH_DELIMITED;
                p = putVarint(image, p, labelLengths[i]);
            }
            String name = candidate.name(i);
            String value = candidate.value(i);
            int nameLength = name.length();
            int valueLength = value.length();
            if (p != labelStarts[i] - base || nameLength >= 128 || valueLength >= 1 << 14
                    || p + labelLengths[i] > size || labelLengths[i] != 4 + nameLength + valueLength + (valueLength >= 128 ? 1 : 0)) {
                return false;
            }
            image[p++] = 1 << 3 | LENGTH_DELIMITED;
            image[p++] = (byte) nameLength;
            name.getBytes(0, nameLength, image, p);
            p += nameLength;
            image[p++] = 2 << 3 | LENGTH_DELIMITED;
            p = putVarint(image, p, valueLength);
            value.getBytes(0, valueLength, image, p);
            p += valueLength;
        }
        return p == size && Arrays.equals(image, 0, size, in.buffer, base, base + size);
    }

    /** Writes {@code value} (below 2^21) as a varint at {@code p}; returns the position after it. */
    private static int putVarint(byte[] bytes, int p, int value) {
        while (value >= 0x80) {
            bytes[p++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        bytes[p++] = (byte) value;
        return p;
    }

    static String histogramsNotSupported(int histograms, Labels labels) {
        return String.format("received a series with %d native histogram samples, which are not supported yet and were discarded; "
                + "its float samples were kept, series: '%.200s'", histograms, labels);
    }

    private void label() throws MalformedRequestException {
        String name = "";
        String value = "";
        String raw = null;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    name = string();
                }
                case 2 -> {
                    in.expect(tag, LENGTH_DELIMITED);
                    int length = in.length();
                    value = strings.decode(in.buffer, in.position, length);
                    raw = value == null ? new String(in.buffer, in.position, length, StandardCharsets.UTF_8) : null;
                    in.position += length;
                }
                default -> in.skip(tag & 7);
            }
        }
        seriesLabels.add(name, value, raw);
    }

    /** A string field; bytes that are not UTF-8 come out with replacement characters (names fail validation). */
    private String string() throws MalformedRequestException {
        int length = in.length();
        String value = strings.decode(in.buffer, in.position, length);
        if (value == null) {
            value = new String(in.buffer, in.position, length, StandardCharsets.UTF_8);
        }
        in.position += length;
        return value;
    }

    private void exemplar(WriteBatch batch) throws MalformedRequestException {
        double value = 0;
        long timestamp = 0;
        Labels.Builder labels = null;
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag) {
                case 1 << 3 | LENGTH_DELIMITED -> {
                    int outer = in.pushLimit(in.length());
                    String name = "";
                    String labelValue = "";
                    while (in.hasRemaining()) {
                        int labelTag = in.tag();
                        switch (labelTag) {
                            case 1 << 3 | LENGTH_DELIMITED -> name = string();
                            case 2 << 3 | LENGTH_DELIMITED -> labelValue = string();
                            default -> in.skip(labelTag & 7);
                        }
                    }
                    in.popLimit(outer);
                    if (!name.isEmpty()) {
                        labels = labels == null ? Labels.builder() : labels;
                        labels.set(name, labelValue);
                    }
                }
                case 2 << 3 | FIXED64 -> value = in.fixed64Double();
                case 3 << 3 | VARINT -> timestamp = in.varint();
                default -> in.skip(tag & 7);
            }
        }
        batch.addExemplar(labels == null ? Labels.empty() : labels.build(), timestamp, value);
    }

    private MetricMetadata metadata() throws MalformedRequestException {
        int type = 0;
        String name = "";
        String help = "";
        String unit = "";
        while (in.hasRemaining()) {
            int tag = in.tag();
            switch (tag) {
                case 1 << 3 | VARINT -> type = (int) in.varint();
                case 2 << 3 | LENGTH_DELIMITED -> name = string();
                case 4 << 3 | LENGTH_DELIMITED -> help = string();
                case 5 << 3 | LENGTH_DELIMITED -> unit = string();
                default -> in.skip(tag & 7);
            }
        }
        return new MetricMetadata(name, metricType(type), help, unit);
    }

    static MetricMetadata.Type metricType(int number) {
        MetricMetadata.Type[] types = MetricMetadata.Type.values();
        return number >= 0 && number < types.length ? types[number] : MetricMetadata.Type.UNKNOWN;
    }

    /** Hits and misses of the label string cache since the decoder was made (for benchmarks). */
    public long[] cacheStatistics() {
        return new long[] {strings.hits(), strings.misses()};
    }
}
