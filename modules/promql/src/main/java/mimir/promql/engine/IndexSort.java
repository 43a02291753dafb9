package mimir.promql.engine;

/**
 * Sorts row indices by a primitive key without boxing: a stable merge sort over parallel
 * {@code int}/{@code double} arrays with caller-provided scratch space, so a query's per-step sorting
 * (topk, bottomk) allocates nothing.
 */
final class IndexSort {
    private IndexSort() {}

    /**
     * Sorts {@code order[0..n)} by {@code keys[0..n)} ascending, NaN keys last, equal keys keeping their
     * order. {@code scratchOrder} and {@code scratchKeys} must hold at least {@code n} elements.
     */
    static void stableSortNaNLast(int[] order, double[] keys, int n, int[] scratchOrder, double[] scratchKeys) {
        for (int width = 1; width < n; width *= 2) {
            for (int low = 0; low < n - width; low += 2 * width) {
                int mid = low + width;
                int high = Math.min(low + 2 * width, n);
                int i = low;
                int j = mid;
                int out = low;
                while (i < mid && j < high) {
                    if (lessOrEqual(keys[i], keys[j])) {
                        scratchOrder[out] = order[i];
                        scratchKeys[out++] = keys[i++];
                    }
                    else {
                        scratchOrder[out] = order[j];
                        scratchKeys[out++] = keys[j++];
                    }
                }
                while (i < mid) {
                    scratchOrder[out] = order[i];
                    scratchKeys[out++] = keys[i++];
                }
                while (j < high) {
                    scratchOrder[out] = order[j];
                    scratchKeys[out++] = keys[j++];
                }
                System.arraycopy(scratchOrder, low, order, low, high - low);
                System.arraycopy(scratchKeys, low, keys, low, high - low);
            }
        }
    }

    /** a ≤ b with NaN greater than everything (and equal to NaN, for stability). */
    private static boolean lessOrEqual(double a, double b) {
        if (Double.isNaN(b)) {
            return true;
        }
        if (Double.isNaN(a)) {
            return false;
        }
        return a <= b;
    }
}
