package mimir.bench;

import java.nio.file.Path;

import mimir.model.Labels;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.HeadOptions;

/**
 * WAL replay timing, driven by {@code bench/wal-replay.sh}.
 *
 * <ul>
 *   <li>{@code generate <dataDir> [series] [samplesPerSeries] [startMillis]}: writes a WAL under
 *       {@code <dataDir>/wal} through {@link Head} (default options: snappy-compressed, 128 MiB segments):
 *       {@link Workload} series and values, 15 s apart, one commit per 1,000 samples of a scrape round,
 *       as a Prometheus scrape loop would commit per target.</li>
 *   <li>{@code replay <dataDir> [runs]}: times {@link Head#open} (replay included) {@code runs} times in this
 *       JVM, printing each; the first run is the cold one a restarting server pays. Each open adds an empty
 *       segment, which does not change the replayed data.</li>
 * </ul>
 */
public final class WalReplay {
    private WalReplay() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: WalReplay generate <dataDir> [series] [samplesPerSeries] [startMillis] | replay <dataDir> [runs]");
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "generate" -> generate(dir, intArg(args, 2, 100_000), intArg(args, 3, 120),
                    args.length > 4 ? Long.parseLong(args[4]) : System.currentTimeMillis() - 40 * 60_000L);
            case "replay" -> replay(dir, intArg(args, 2, 1));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    static void generate(Path dir, int series, int samplesPerSeries, long start) throws Exception {
        long begin = System.nanoTime();
        try (Head head = Head.open(dir, HeadOptions.defaults())) {
            HeadAppender appender = head.appender();
            long[] refs = new long[series];
            double[][] values = new double[series][];
            long[] timestamps = new long[samplesPerSeries];
            for (int i = 0; i < series; i++) {
                values[i] = new double[samplesPerSeries];
                Workload.fill(Workload.kind(i), i, start, timestamps, values[i], samplesPerSeries);
            }
            for (int s = 0; s < samplesPerSeries; s++) {
                long t = start + s * Workload.INTERVAL;
                for (int i = 0; i < series; i++) {
                    refs[i] = s == 0 ? appender.append(Labels.of(Workload.labels(i)), t, values[i][s])
                            : appender.append(refs[i], t + (i & 7), values[i][s]);
                    if (appender.pendingSamples() == 1000) {
                        appender.commit();
                    }
                }
                appender.commit();
            }
        }
        System.out.printf("generated series=%d samples=%d seconds=%.1f%n", series, (long) series * samplesPerSeries, (System.nanoTime() - begin) / 1e9);
    }

    static void replay(Path dir, int runs) throws Exception {
        for (int run = 1; run <= runs; run++) {
            long begin = System.nanoTime();
            int series;
            try (Head head = Head.open(dir, HeadOptions.defaults())) {
                series = head.numSeries();
            }
            long millis = (System.nanoTime() - begin) / 1_000_000;
            System.out.printf("replay run=%d series=%d millis=%d%n", run, series, millis);
        }
    }
}
