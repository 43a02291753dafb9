package mimir.bench;

import java.util.SplittableRandom;

/**
 * The realistic series workload of the storage-engine targets: about 100 metric names with 10 labels
 * each, samples 15 s apart with up to ±5 ms of scrape jitter, and values of seven kinds.
 * Deterministic for a seed, so runs are comparable.
 */
public final class Workload {
    /** How a series' values move. */
    public enum Kind {
        /** An integer counter. */
        INTEGER_COUNTER,
        /** A counter growing in steps of 0.01. */
        CENTS_COUNTER,
        /** A byte gauge in multiples of 4 KiB. */
        BYTES_GAUGE,
        /** A random walk. */
        RANDOM_WALK,
        /** A gauge with one decimal. */
        ONE_DECIMAL_GAUGE,
        /** A gauge with two decimals. */
        TWO_DECIMAL_GAUGE,
        /** Full-precision doubles. */
        FULL_PRECISION,
        /** The constant 1 (up, build_info). */
        CONSTANT_ONE
    }

    /** Milliseconds between scrapes. */
    public static final long INTERVAL = 15_000;

    private Workload() {}

    /** The kind of the i-th series. */
    public static Kind kind(int series) {
        return Kind.values()[series % Kind.values().length];
    }

    /** Ten labels (plus the name) for the i-th series; about 100 metric names. */
    public static String[] labels(int series) {
        int metric = series % 100;
        return new String[] {
            "__name__", "metric_" + metric + "_" + kind(series).name().toLowerCase(java.util.Locale.ROOT),
            "cluster", "prod-" + (series % 3),
            "container", "app",
            "instance", "10.0." + (series / 250 % 256) + "." + (series % 250) + ":9090",
            "job", "job-" + (series % 20),
            "namespace", "ns-" + (series % 7),
            "pod", "pod-" + series,
            "region", "eu-west-" + (series % 2),
            "service", "svc-" + (series % 50),
            "zone", "z" + (series % 4),
        };
    }

    /** Fills timestamps and values of {@code n} consecutive samples of a series of the given kind. */
    public static void fill(Kind kind, long seed, long start, long[] timestamps, double[] values, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        double value = switch (kind) {
            case INTEGER_COUNTER, CENTS_COUNTER -> random.nextInt(1_000_000);
            case BYTES_GAUGE -> 4096.0 * random.nextInt(100_000);
            case CONSTANT_ONE -> 1;
            default -> random.nextDouble() * 100;
        };
        for (int i = 0; i < n; i++) {
            timestamps[i] = start + i * INTERVAL + random.nextInt(-5, 6);
            value = switch (kind) {
                case INTEGER_COUNTER -> value + random.nextInt(100);
                case CENTS_COUNTER -> Math.round((value + random.nextInt(1000) * 0.01) * 100) / 100.0;
                case BYTES_GAUGE -> Math.max(0, value + 4096.0 * random.nextInt(-50, 51));
                case RANDOM_WALK -> value + random.nextGaussian();
                case ONE_DECIMAL_GAUGE -> Math.round(random.nextDouble() * 1000) / 10.0;
                case TWO_DECIMAL_GAUGE -> Math.round(random.nextDouble() * 10000) / 100.0;
                case FULL_PRECISION -> random.nextDouble() * 1e6;
                case CONSTANT_ONE -> 1;
            };
            values[i] = value;
        }
    }
}
