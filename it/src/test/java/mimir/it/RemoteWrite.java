package mimir.it;

import com.google.protobuf.CodedOutputStream;
import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A remote-write 1.0 client written from the wire format alone (field numbers of
 * {@code prometheus.WriteRequest}, reference/remote-write.md), not from our generated classes, and
 * snappy from aircompressor, not from our implementation: what it sends is what any client sends.
 */
final class RemoteWrite {
    private RemoteWrite() {}

    /** One series: labels as alternating names and values (sent in this order), with samples. */
    record Series(String[] labels, long[] timestamps, double[] values) {
        static Series of(long timestamp, double value, String... labels) {
            return new Series(labels, new long[] {timestamp}, new double[] {value});
        }
    }

    /** Encodes a {@code prometheus.WriteRequest} with the series (and no metadata). */
    static byte[] encode(List<Series> series) {
        return encode(series, List.of());
    }

    /**
     * Encodes a {@code prometheus.WriteRequest}.
     *
     * @param metadata entries of (type enum number as text, family name, help, unit)
     */
    static byte[] encode(List<Series> series, List<String[]> metadata) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream request = CodedOutputStream.newInstance(out);
            for (Series s : series) {
                byte[] timeSeries = timeSeries(s);
                request.writeByteArray(1, timeSeries);
            }
            for (String[] m : metadata) {
                ByteArrayOutputStream entry = new ByteArrayOutputStream();
                CodedOutputStream e = CodedOutputStream.newInstance(entry);
                e.writeEnum(1, Integer.parseInt(m[0]));
                e.writeString(2, m[1]);
                e.writeString(4, m[2]);
                e.writeString(5, m[3]);
                e.flush();
                request.writeByteArray(3, entry.toByteArray());
            }
            request.flush();
            return out.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] timeSeries(Series s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream ts = CodedOutputStream.newInstance(out);
        for (int i = 0; i < s.labels.length; i += 2) {
            ByteArrayOutputStream label = new ByteArrayOutputStream();
            CodedOutputStream l = CodedOutputStream.newInstance(label);
            l.writeString(1, s.labels[i]);
            l.writeString(2, s.labels[i + 1]);
            l.flush();
            ts.writeByteArray(1, label.toByteArray());
        }
        for (int i = 0; i < s.timestamps.length; i++) {
            ByteArrayOutputStream sample = new ByteArrayOutputStream();
            CodedOutputStream c = CodedOutputStream.newInstance(sample);
            c.writeDouble(1, s.values[i]);
            c.writeInt64(2, s.timestamps[i]);
            c.flush();
            ts.writeByteArray(2, sample.toByteArray());
        }
        ts.flush();
        return out.toByteArray();
    }

    /** Snappy block format, as remote write uses it. */
    static byte[] snappy(byte[] data) {
        SnappyJavaCompressor compressor = new SnappyJavaCompressor();
        byte[] out = new byte[compressor.maxCompressedLength(data.length)];
        int n = compressor.compress(data, 0, data.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    /** POSTs a body to {@code /api/v1/push} with RW 1.0 headers plus {@code headers} (pairs; later ones win). */
    static HttpResponse<String> push(int port, String tenant, byte[] body, String... headers) {
        List<String> all = new ArrayList<>(List.of("Content-Type", "application/x-protobuf", "Content-Encoding", "snappy",
                "X-Prometheus-Remote-Write-Version", "0.1.0"));
        if (tenant != null) {
            all.addAll(List.of("X-Scope-OrgID", tenant));
        }
        all.addAll(List.of(headers));
        return post(port, "/api/v1/push", body, all);
    }

    static HttpResponse<String> post(int port, String path, byte[] body, List<String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        java.util.Map<String, String> merged = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i += 2) {
            merged.put(headers.get(i), headers.get(i + 1));
        }
        merged.forEach((name, value) -> {
            if (!value.isEmpty()) {
                request.header(name, value);
            }
        });
        return MimirProcess.send(request.build());
    }
}
