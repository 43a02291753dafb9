package mimir.tsdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.chunkenc.ChunkEncoding;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.testing.TestingDump.Line;

/**
 * The in-memory model the block tests compare against: series labels → samples as parallel arrays
 * of timestamps and raw value bits, in label order. Generates random data, turns the model into the
 * {@link ChunkSeriesSet} a block is written from, and renders both model and query results as
 * {@code promtool tsdb dump} lines.
 */
final class TestingSeries {
    /** The stale marker's bits (Prometheus's StaleNaN). */
    static final long STALE_NAN = 0x7FF0000000000002L;

    /** Samples of one series: strictly increasing timestamps and raw IEEE-754 value bits. */
    record Samples(long[] timestamps, long[] values) {
        int size() {
            return timestamps.length;
        }
    }

    private TestingSeries() {}

    /** Random label sets drawn from small pools (so matchers hit several series), with UTF-8 values. */
    static TreeMap<Labels, Samples> random(SplittableRandom random, int seriesCount, int maxSamples, long start) {
        String[] zones = {"eu", "us", "küche", "日本", "a\"b\\c", "z🙂"};
        TreeMap<Labels, Samples> series = new TreeMap<>();
        while (series.size() < seriesCount) {
            Labels.Builder builder = Labels.builder()
                    .set("__name__", "metric_" + random.nextInt(4))
                    .set("pod", "pod-" + random.nextInt(30));
            if (random.nextInt(3) > 0) {
                builder.set("zone", zones[random.nextInt(zones.length)]);
            }
            if (random.nextInt(4) == 0) {
                builder.set("env", random.nextBoolean() ? "prod" : "dev");
            }
            series.put(builder.build(), randomSamples(random, random.nextInt(maxSamples + 1), start));
        }
        return series;
    }

    /**
     * Random samples exercising every XOR timestamp bucket (dod 0, 14, 17, 20 and 64 bits, with their
     * edges) and value case (repeat, reused window, new window, 64 significant bits, NaN, stale
     * marker, ±Inf, -0, subnormals).
     */
    static Samples randomSamples(SplittableRandom random, int count, long start) {
        long[] timestamps = new long[count];
        long[] values = new long[count];
        long t = start + random.nextInt(1000);
        long delta = 15_000;
        double value = random.nextDouble() * 100;
        long[] dodChoices = {0, 0, 0, 1, -1, 8192, -8191, 8193, 65536, -65535, 65537, 524288, -524287, 524289, 3_000_000};
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                long dod = random.nextInt(3) == 0 ? dodChoices[random.nextInt(dodChoices.length)] : 0;
                delta = Math.max(1, delta + dod);
                if (delta > 10_000_000) {
                    delta = 15_000;
                }
                t += delta;
            }
            timestamps[i] = t;
            value = switch (random.nextInt(12)) {
                case 0 -> value;
                case 1 -> value + 1;
                case 2 -> Double.NaN;
                case 3 -> Double.longBitsToDouble(STALE_NAN);
                case 4 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 5 -> random.nextBoolean() ? -0.0 : Double.MIN_VALUE;
                case 6 -> Double.longBitsToDouble(random.nextLong());
                case 7 -> random.nextInt(1000);
                default -> random.nextDouble() * 1e6;
            };
            long bits = Double.doubleToRawLongBits(value);
            values[i] = bits;
            if (Double.isNaN(value) && bits != STALE_NAN) {
                // Keep later arithmetic finite.
                value = 1;
            }
        }
        return new Samples(timestamps, values);
    }

    /** The model as a chunk series set, cut into XOR chunks of 120 samples. */
    static ChunkSeriesSet chunkSeriesSet(Map<Labels, Samples> series) {
        Iterator<Map.Entry<Labels, Samples>> entries = series.entrySet().iterator();
        return new ChunkSeriesSet() {
            private Map.Entry<Labels, Samples> current;

            @Override
            public boolean next() {
                current = entries.hasNext() ? entries.next() : null;
                return current != null;
            }

            @Override
            public Labels labels() {
                return current.getKey();
            }

            @Override
            public List<ChunkData> chunks() {
                return TestingSeries.chunks(current.getValue(), Compactor.SAMPLES_PER_CHUNK);
            }
        };
    }

    static List<ChunkData> chunks(Samples samples, int perChunk) {
        List<ChunkData> chunks = new ArrayList<>();
        for (int start = 0; start < samples.size(); start += perChunk) {
            int end = Math.min(samples.size(), start + perChunk);
            XorChunk chunk = new XorChunk();
            XorAppender appender = chunk.appender();
            for (int i = start; i < end; i++) {
                appender.appendBits(samples.timestamps()[i], samples.values()[i]);
            }
            chunks.add(new ChunkData(samples.timestamps()[start], samples.timestamps()[end - 1], ChunkEncoding.XOR, chunk.bytes()));
        }
        return chunks;
    }

    /** Splits the model into {@code count} parts: each sample goes to one random part and to every other part with probability 1/5. */
    static List<TreeMap<Labels, Samples>> split(Map<Labels, Samples> truth, int count, SplittableRandom random) {
        List<TreeMap<Labels, Samples>> parts = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            parts.add(new TreeMap<>());
        }
        truth.forEach((labels, samples) -> {
            long[][] timestamps = new long[count][samples.size()];
            long[][] values = new long[count][samples.size()];
            int[] sizes = new int[count];
            for (int i = 0; i < samples.size(); i++) {
                int owner = random.nextInt(count);
                for (int p = 0; p < count; p++) {
                    if (p == owner || random.nextInt(5) == 0) {
                        timestamps[p][sizes[p]] = samples.timestamps()[i];
                        values[p][sizes[p]] = samples.values()[i];
                        sizes[p]++;
                    }
                }
            }
            for (int p = 0; p < count; p++) {
                parts.get(p).put(labels, new Samples(Arrays.copyOf(timestamps[p], sizes[p]), Arrays.copyOf(values[p], sizes[p])));
            }
        });
        return parts;
    }

    /** Block range covering every sample: [first, last + 1). */
    static long[] range(Map<Labels, Samples> series) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Samples samples : series.values()) {
            if (samples.size() > 0) {
                min = Math.min(min, samples.timestamps()[0]);
                max = Math.max(max, samples.timestamps()[samples.size() - 1]);
            }
        }
        return new long[] {min, max + 1};
    }

    /** Raw bits of the given values. */
    static long[] bits(double... values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }

    /** The model's samples in {@code [mint, maxt]} of the series matching all matchers, as dump lines. */
    static List<Line> lines(Map<Labels, Samples> series, long mint, long maxt, List<Matcher> matchers) {
        List<Line> lines = new ArrayList<>();
        series.forEach((labels, samples) -> {
            if (!matches(labels, matchers)) {
                return;
            }
            for (int i = 0; i < samples.size(); i++) {
                long t = samples.timestamps()[i];
                if (t >= mint && t <= maxt) {
                    lines.add(TestingDump.line(labels, t, Double.longBitsToDouble(samples.values()[i])));
                }
            }
        });
        return lines;
    }

    static List<Line> lines(Map<Labels, Samples> series) {
        return lines(series, Long.MIN_VALUE, Long.MAX_VALUE, List.of());
    }

    static boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(labels.get(matcher.name()))) {
                return false;
            }
        }
        return true;
    }

    /** Drains a series set into dump lines, checking that series come in strictly ascending label order. */
    static List<Line> drain(SeriesSet set) {
        List<Line> lines = new ArrayList<>();
        Labels previous = null;
        while (set.next()) {
            Labels labels = set.labels();
            if (previous != null && previous.compareTo(labels) >= 0) {
                throw new AssertionError("series out of order: " + labels + " after " + previous);
            }
            previous = labels;
            SampleIterator samples = set.iterator();
            long last = Long.MIN_VALUE;
            while (samples.next()) {
                if (samples.timestamp() <= last) {
                    throw new AssertionError("samples of " + labels + " not strictly increasing at " + samples.timestamp());
                }
                last = samples.timestamp();
                lines.add(TestingDump.line(labels, samples.timestamp(), samples.value()));
            }
        }
        return lines;
    }

    /** The labels of every series in a set, in order. */
    static List<Labels> labels(SeriesSet set) {
        List<Labels> result = new ArrayList<>();
        while (set.next()) {
            result.add(set.labels());
        }
        return result;
    }

    /** Removes {@code [mint, maxt]} from the series matching the matchers (the model of a deletion). */
    static TreeMap<Labels, Samples> delete(Map<Labels, Samples> series, long mint, long maxt, List<Matcher> matchers) {
        TreeMap<Labels, Samples> result = new TreeMap<>();
        series.forEach((labels, samples) -> {
            if (!matches(labels, matchers)) {
                result.put(labels, samples);
                return;
            }
            int kept = 0;
            long[] timestamps = new long[samples.size()];
            long[] values = new long[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                long t = samples.timestamps()[i];
                if (t < mint || t > maxt) {
                    timestamps[kept] = t;
                    values[kept] = samples.values()[i];
                    kept++;
                }
            }
            result.put(labels, new Samples(Arrays.copyOf(timestamps, kept), Arrays.copyOf(values, kept)));
        });
        return result;
    }

    /** A querier over the model (a stand-in for the head in merge tests). */
    static Querier querier(Map<Labels, Samples> series, long mint, long maxt) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, List<Matcher> matchers) {
                List<Map.Entry<Labels, Samples>> selected = new ArrayList<>();
                series.forEach((labels, samples) -> {
                    if (matches(labels, matchers)) {
                        selected.add(Map.entry(labels, samples));
                    }
                });
                Iterator<Map.Entry<Labels, Samples>> entries = selected.iterator();
                return new SeriesSet() {
                    private Map.Entry<Labels, Samples> current;

                    @Override
                    public boolean next() {
                        current = entries.hasNext() ? entries.next() : null;
                        return current != null;
                    }

                    @Override
                    public Labels labels() {
                        return current.getKey();
                    }

                    @Override
                    public SampleIterator iterator() {
                        return new ArraySampleIterator(current.getValue(), mint, maxt);
                    }
                };
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                java.util.TreeSet<String> names = new java.util.TreeSet<>(Labels::compareUtf8);
                series.keySet().stream().filter(labels -> matches(labels, matchers)).forEach(labels -> names.addAll(labels.names()));
                return List.copyOf(names);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                java.util.TreeSet<String> values = new java.util.TreeSet<>(Labels::compareUtf8);
                series.keySet().stream().filter(labels -> matches(labels, matchers) && labels.has(name)).forEach(labels -> values.add(labels.get(name)));
                return List.copyOf(values);
            }

            @Override
            public void close() {}
        };
    }

    private static final class ArraySampleIterator implements SampleIterator {
        private final Samples samples;
        private final long maxt;
        private int index;
        private boolean started;

        ArraySampleIterator(Samples samples, long mint, long maxt) {
            this.samples = samples;
            this.maxt = maxt;
            while (index < samples.size() && samples.timestamps()[index] < mint) {
                index++;
            }
        }

        @Override
        public boolean next() {
            if (started && index < samples.size()) {
                index++;
            }
            started = true;
            return valid();
        }

        @Override
        public boolean seek(long t) {
            started = true;
            while (index < samples.size() && samples.timestamps()[index] < t) {
                index++;
            }
            return valid();
        }

        private boolean valid() {
            return index < samples.size() && samples.timestamps()[index] <= maxt;
        }

        @Override
        public long timestamp() {
            return samples.timestamps()[index];
        }

        @Override
        public double value() {
            return Double.longBitsToDouble(samples.values()[index]);
        }
    }
}
