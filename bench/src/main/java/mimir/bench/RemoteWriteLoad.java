package mimir.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import mimir.model.Labels;

/**
 * A deterministic Prometheus remote-write 1.0 load: snappy-compressed {@code prometheus.WriteRequest}
 * bodies encoded by hand, {@code --senders} concurrent HTTP senders, {@code --batch} samples per
 * request. The series are those of {@link HeadQueryBenchmark#labels} (10 labels each, every tenth
 * {@code http_requests_total} with one of five {@code job}s, the others about 100 metric names);
 * sample {@code s} of series {@code i} is at {@code start + s * 15 s} with the counter value
 * {@code i % 1000 + s * (1 + i % 7)}.
 * <p>
 * Two phases: {@code new} sends sample 0 of every series (each request creates {@code batch} series),
 * {@code existing} samples 1 to {@code samples - 1} (or {@code --from} to {@code --to - 1}, so one
 * phase can be measured in parts). Sender {@code k} owns the series {@code i} with
 * {@code i % senders == k} and sends them time-major, so every series' samples arrive in order.
 * Prints one line per phase: {@code phase=new samples=... seconds=... samples_per_second=... errors=...}.
 * Exits with 3 if the endpoint answers 404 (no push endpoint), 2 on any other failed request.
 * <pre>
 * java -cp ... mimir.bench.RemoteWriteLoad --url http://127.0.0.1:9009/api/v1/push [--tenant t]
 *     [--series 100000] [--samples 120] [--senders 4] [--batch 2000] [--phase both|new|existing]
 *     [--start millis] [--from 1] [--to samples]
 * </pre>
 */
public final class RemoteWriteLoad {
    private final URI url;
    private final String tenant;
    private final int series;
    private final int samples;
    private final int senders;
    private final int batch;
    private final long start;
    private final byte[][] encodedLabels;
    private final HttpClient client;
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean notFound;

    RemoteWriteLoad(URI url, String tenant, int series, int samples, int senders, int batch, long start) {
        this.url = url;
        this.tenant = tenant;
        this.series = series;
        this.samples = samples;
        this.senders = senders;
        this.batch = batch;
        this.start = start;
        this.encodedLabels = new byte[series][];
        for (int i = 0; i < series; i++) {
            encodedLabels[i] = encodeLabels(HeadQueryBenchmark.labels(i));
        }
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        String tenant = null;
        int series = 100_000;
        int samples = 120;
        int senders = 4;
        int batch = 2000;
        String phase = "both";
        long start = -1;
        int from = 1;
        int to = -1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = value;
                case "--tenant" -> tenant = value;
                case "--series" -> series = Integer.parseInt(value);
                case "--samples" -> samples = Integer.parseInt(value);
                case "--senders" -> senders = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--phase" -> phase = value;
                case "--start" -> start = Long.parseLong(value);
                case "--from" -> from = Integer.parseInt(value);
                case "--to" -> to = Integer.parseInt(value);
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        if (url == null) {
            usage("--url is required");
        }
        if (series < 1 || samples < 1 || senders < 1 || batch < 1 || !List.of("both", "new", "existing").contains(phase)) {
            usage("bad option value");
        }
        if (to < 0) {
            to = samples;
        }
        if (from < 1 || to > samples || from > to) {
            usage("--from and --to must satisfy 1 <= from <= to <= samples");
        }
        if (start < 0) {
            // The last sample a minute before now, on a 15 s boundary.
            long end = (System.currentTimeMillis() - 60_000) / Workload.INTERVAL * Workload.INTERVAL;
            start = end - (samples - 1) * Workload.INTERVAL;
        }
        RemoteWriteLoad load = new RemoteWriteLoad(URI.create(url), tenant, series, samples, senders, batch, start);
        System.out.println("start=" + start + " series=" + series + " samples_per_series=" + samples + " senders=" + senders
                + " batch=" + batch);
        if (!phase.equals("existing")) {
            load.run("new", 0, 1);
        }
        if (!phase.equals("new") && from < to) {
            load.run("existing", from, to);
        }
        System.exit(0);
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nusage: RemoteWriteLoad --url URL [--tenant ID] [--series N] [--samples N] [--senders N]"
                + " [--batch N] [--phase both|new|existing] [--start MILLIS] [--from N] [--to N]");
        System.exit(1);
    }

    /** Sends samples {@code [from, to)} of every series; prints the phase's line; exits on failure. */
    private void run(String phase, int from, int to) throws InterruptedException {
        errors.set(0);
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<Long>> futures = new ArrayList<>();
        long begin = System.nanoTime();
        for (int k = 0; k < senders; k++) {
            int sender = k;
            futures.add(pool.submit(() -> send(sender, from, to)));
        }
        long sent = 0;
        for (Future<Long> future : futures) {
            try {
                sent += future.get();
            }
            catch (ExecutionException e) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, String.valueOf(e.getCause()));
            }
        }
        pool.shutdownNow();
        double seconds = (System.nanoTime() - begin) / 1e9;
        System.out.println(String.format(Locale.ROOT, "phase=%s samples=%d seconds=%.3f samples_per_second=%.0f errors=%d",
                phase, sent, seconds, sent / seconds, errors.get()));
        if (notFound) {
            System.err.println("push endpoint " + url + " answered 404");
            System.exit(3);
        }
        if (errors.get() > 0) {
            System.err.println("first error: " + firstError.get());
            System.exit(2);
        }
    }

    /** One sender's share: its series, time-major, {@code batch} samples per request. */
    private long send(int sender, int from, int to) throws IOException, InterruptedException {
        SnappyJavaCompressor snappy = new SnappyJavaCompressor();
        byte[] raw = new byte[1 << 16];
        int[] batchSeries = new int[batch];
        long sent = 0;
        for (int s = from; s < to; s++) {
            int count = 0;
            for (int i = sender; i < series; i += senders) {
                batchSeries[count++] = i;
                if (count == batch) {
                    raw = post(raw, batchSeries, count, s, snappy);
                    sent += count;
                    count = 0;
                    if (notFound) {
                        return sent;
                    }
                }
            }
            if (count > 0) {
                raw = post(raw, batchSeries, count, s, snappy);
                sent += count;
                if (notFound) {
                    return sent;
                }
            }
        }
        return sent;
    }

    /** Encodes, compresses and posts one request; returns the (possibly grown) encode buffer. */
    private byte[] post(byte[] raw, int[] batchSeries, int count, int sample, SnappyJavaCompressor snappy)
            throws IOException, InterruptedException {
        int size = 0;
        long timestamp = start + sample * Workload.INTERVAL;
        for (int k = 0; k < count; k++) {
            int ts = timeSeriesSize(batchSeries[k], timestamp, sample);
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(ts) + ts;
        }
        if (raw.length < size) {
            raw = new byte[Math.max(size, raw.length * 2)];
        }
        CodedOutputStream out = CodedOutputStream.newInstance(raw, 0, size);
        for (int k = 0; k < count; k++) {
            int i = batchSeries[k];
            double value = value(i, sample);
            int sampleSize = sampleSize(value, timestamp);
            out.writeTag(1, 2);
            out.writeUInt32NoTag(encodedLabels[i].length + 1 + CodedOutputStream.computeUInt32SizeNoTag(sampleSize) + sampleSize);
            out.writeRawBytes(encodedLabels[i]);
            out.writeTag(2, 2);
            out.writeUInt32NoTag(sampleSize);
            out.writeDouble(1, value);
            out.writeInt64(2, timestamp);
        }
        out.checkNoSpaceLeft();
        byte[] body = new byte[snappy.maxCompressedLength(size)];
        int length = snappy.compress(raw, 0, size, body, 0, body.length);
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .header("User-Agent", "mimir-bench-remote-write-load")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        if (tenant != null) {
            request.header("X-Scope-OrgID", tenant);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            notFound = true;
        }
        if (response.statusCode() / 100 != 2) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, response.statusCode() + " " + response.body().strip());
        }
        return raw;
    }

    private int timeSeriesSize(int series, long timestamp, int sample) {
        int sampleSize = sampleSize(value(series, sample), timestamp);
        return encodedLabels[series].length + 1 + CodedOutputStream.computeUInt32SizeNoTag(sampleSize) + sampleSize;
    }

    private static int sampleSize(double value, long timestamp) {
        return CodedOutputStream.computeDoubleSize(1, value) + CodedOutputStream.computeInt64Size(2, timestamp);
    }

    /** The counter value of sample {@code s} of series {@code i}. */
    static double value(int i, int s) {
        return i % 1000 + (double) s * (1 + i % 7);
    }

    /** The {@code TimeSeries.labels} fields (1) of a label set: repeated {@code Label{name = 1, value = 2}}. */
    static byte[] encodeLabels(Labels labels) {
        int size = 0;
        for (int i = 0; i < labels.size(); i++) {
            int label = labelSize(labels.name(i), labels.value(i));
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(label) + label;
        }
        byte[] bytes = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            for (int i = 0; i < labels.size(); i++) {
                out.writeTag(1, 2);
                out.writeUInt32NoTag(labelSize(labels.name(i), labels.value(i)));
                out.writeString(1, labels.name(i));
                out.writeString(2, labels.value(i));
            }
            out.checkNoSpaceLeft();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes;
    }

    private static int labelSize(String name, String value) {
        return CodedOutputStream.computeStringSize(1, name) + CodedOutputStream.computeStringSize(2, value);
    }
}
