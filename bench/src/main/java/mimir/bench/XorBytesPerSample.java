package mimir.bench;

import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;

/**
 * Prints the XOR chunk size per sample for each value kind of the {@link Workload}, cutting chunks at
 * 120 samples as Prometheus does (Prometheus's own XOR output is the same bytes: the encoding is
 * bit-identical, see TestXorGoldenChunk). Run with {@code bench/xor-bytes-per-sample.sh}.
 */
public final class XorBytesPerSample {
    private XorBytesPerSample() {}

    public static void main(String[] args) {
        int seriesPerKind = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int chunksPerSeries = 10;
        long[] t = new long[120];
        double[] v = new double[120];
        System.out.printf("%-18s %10s%n", "kind", "bytes/sample");
        for (Workload.Kind kind : Workload.Kind.values()) {
            long bytes = 0;
            long samples = 0;
            for (int s = 0; s < seriesPerKind; s++) {
                for (int c = 0; c < chunksPerSeries; c++) {
                    Workload.fill(kind, s * 1000L + c, c * 120 * Workload.INTERVAL, t, v, 120);
                    XorChunk chunk = new XorChunk();
                    XorAppender appender = chunk.appender();
                    for (int i = 0; i < 120; i++) {
                        appender.append(t[i], v[i]);
                    }
                    bytes += chunk.length();
                    samples += 120;
                }
            }
            System.out.printf("%-18s %10.3f%n", kind.name().toLowerCase(java.util.Locale.ROOT), (double) bytes / samples);
        }
    }
}
