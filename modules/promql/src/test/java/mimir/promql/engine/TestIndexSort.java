package mimir.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class TestIndexSort {
    @Test
    void matchesAStableSortWithNaNLast() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(0, 70);
            double[] keys = new double[n];
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(10);
                keys[i] = kind == 0 ? Double.NaN : kind == 1 ? Double.NEGATIVE_INFINITY : random.nextInt(5);
            }
            double[] original = keys.clone();
            int[] order = IntStream.range(0, n).toArray();
            IndexSort.stableSortNaNLast(order, keys, n, new int[n], new double[n]);
            Integer[] expected = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(expected, Comparator.comparing((Integer i) -> Double.isNaN(original[i])).thenComparingDouble(i -> Double.isNaN(original[i]) ? 0 : original[i]));
            assertThat(order).containsExactly(Arrays.stream(expected).mapToInt(Integer::intValue).toArray());
        }
    }
}
