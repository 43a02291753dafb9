package mimir.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;

import mimir.model.Labels;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.HeadOptions;
import mimir.tsdb.SampleRejectedException;

/**
 * Heap bytes per head series: creates {@code N} series (default 1,000,000) with the {@link Workload}'s
 * ten labels plus {@code __name__} and {@code S} samples each (default 4, one open chunk), in an
 * in-memory head.
 *
 * <p>Measurement: {@code System.gc()} twice, then {@link MemoryMXBean#getHeapMemoryUsage()}{@code .used}
 * before creating the head and again after (with the head still reachable); the difference divided by
 * {@code N} is printed as bytes per series, next to {@link Head#memoryEstimateBytes()}. With
 * {@code --histogram} it also prints the top of {@code jcmd <pid> GC.class_histogram} (which runs a full GC
 * itself) to show where the bytes go. The input label sets are garbage by then: the head keeps its own,
 * rebuilt from interned strings. Run with a fixed heap, e.g. {@code -Xms8g -Xmx8g}, and a single GC
 * thread count does not matter (the figure is live data after full GC).
 *
 * <p>Usage: {@code HeadMemory [series] [samplesPerSeries] [--histogram]}
 */
public final class HeadMemory {
    private HeadMemory() {}

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 1_000_000;
        int samples = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 4;
        boolean histogram = java.util.Arrays.asList(args).contains("--histogram");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        long start = System.nanoTime();
        Head head = fill(series, samples);
        long fillNanos = System.nanoTime() - start;
        long after = usedAfterGc(memory);
        System.out.printf("series=%d samplesPerSeries=%d fillSeconds=%.1f%n", head.numSeries(), samples, fillNanos / 1e9);
        System.out.printf("heapBytesPerSeries=%.0f (heap used after GC: %d -> %d bytes)%n", (double) (after - before) / series, before, after);
        System.out.printf("memoryEstimateBytesPerSeries=%.0f%n", (double) head.memoryEstimateBytes() / series);
        if (histogram) {
            printHistogram(30);
        }
        System.out.println(head.numSeries() > 0 ? "" : "empty");
    }

    static Head fill(int series, int samples) throws IOException, SampleRejectedException {
        Head head = Head.inMemory(HeadOptions.defaults());
        HeadAppender appender = head.appender();
        long[] refs = new long[series];
        double[] values = new double[samples];
        long[] timestamps = new long[samples];
        for (int i = 0; i < series; i++) {
            Workload.fill(Workload.kind(i), i, 0, timestamps, values, samples);
            refs[i] = appender.append(Labels.of(Workload.labels(i)), timestamps[0], values[0]);
            if ((i & 4095) == 4095) {
                appender.commit();
            }
        }
        appender.commit();
        for (int s = 1; s < samples; s++) {
            for (int i = 0; i < series; i++) {
                appender.append(refs[i], s * Workload.INTERVAL + (i & 3), values[s]);
                if ((i & 4095) == 4095) {
                    appender.commit();
                }
            }
            appender.commit();
        }
        return head;
    }

    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    static void printHistogram(int lines) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            String line;
            int printed = 0;
            while ((line = reader.readLine()) != null && printed < lines + 3) {
                System.out.println(line);
                printed++;
            }
        }
        process.waitFor();
    }
}
