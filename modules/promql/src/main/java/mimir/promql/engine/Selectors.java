package mimir.promql.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

import mimir.model.Labels;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.promql.engine.Evaluator.Grid;
import mimir.promql.engine.Evaluator.RangeSeries;
import mimir.promql.engine.Evaluator.Row;
import mimir.promql.engine.Evaluator.VectorVal;
import mimir.promql.engine.Evaluator.Windows;
import mimir.promql.parser.MatrixSelector;
import mimir.promql.parser.SubqueryExpr;
import mimir.promql.parser.VectorSelector;

/**
 * Instant selectors (lookback window {@code (t - lookback, t]}, ended by staleness markers) and range
 * windows {@code (t - range, t]} over stored series or subquery results, for all steps at once.
 * Storage is read once per selector over the union of the windows of all steps.
 */
final class Selectors {
    private Selectors() {}

    /**
     * Evaluates an instant selector; with {@code timestamps} each value is the sample's timestamp in
     * seconds instead of its value (for {@code timestamp()}).
     */
    static VectorVal vector(Evaluator ev, VectorSelector selector, Grid grid, boolean timestamps) {
        int n = grid.n();
        long offset = ev.offsetMillis(selector.offsetMillis(), selector.offsetExpr());
        Long at = ev.atTime(selector.at());
        long[] refs = new long[n];
        for (int i = 0; i < n; i++) {
            refs[i] = (at != null ? at : grid.ts(i)) - offset;
        }
        List<Row> rows = new ArrayList<>();
        if (n == 0) {
            return new VectorVal(rows);
        }
        long mint = refs[0] - ev.lookback + 1;
        long maxt = refs[n - 1];
        // Only the row's values outlive a series: its samples are read into one reused buffer.
        SeriesPoints.Buffer buffer = new SeriesPoints.Buffer();
        try (Querier querier = ev.queryable.querier(mint, maxt)) {
            SeriesSet set = querier.select(false, selector.matchers());
            while (set.next()) {
                ev.checkInterrupted();
                SeriesPoints points = SeriesPoints.load(set.labels(), set.iterator(), buffer);
                double[] values = new double[n];
                int present = 0;
                BitSet histograms = null;
                // Steps are looked up at ascending times: a cursor moves forward (a search if one goes back).
                int cursor = -1;
                for (int i = 0; i < n; i++) {
                    if (i > 0 && refs[i] < refs[i - 1]) {
                        cursor = -1;
                    }
                    cursor = points.lastAtOrBeforeFrom(cursor, refs[i]);
                    int index = points.instantIndexAt(cursor, refs[i], ev.lookback);
                    if (index < 0) {
                        values[i] = Evaluator.ABSENT;
                    }
                    else if (points.isHistogram(index) && !timestamps) {
                        values[i] = Evaluator.ABSENT;
                        if (histograms == null) {
                            histograms = new BitSet(n);
                        }
                        histograms.set(i);
                    }
                    else {
                        values[i] = timestamps ? points.timestamp(index) / 1000.0 : points.value(index);
                        present++;
                    }
                }
                if (present > 0 || histograms != null) {
                    ev.totalSamples += present;
                    ev.hold(present);
                    Row row = new Row(points.labels(), values, false);
                    row.histograms = histograms;
                    rows.add(row);
                }
            }
        }
        return new VectorVal(rows);
    }

    /**
     * The window ends of every step and the range of a range selector, with no series yet: fill it
     * with {@link #eachRangeSeries} (or use {@link #windows}).
     */
    static Windows emptyWindows(Evaluator ev, MatrixSelector matrix, Grid grid) {
        VectorSelector selector = matrix.selector();
        if (selector.anchored() || selector.smoothed()) {
            throw QueryException.execution("anchored and smoothed range selectors are not supported");
        }
        long range = ev.durationMillis(matrix.rangeMillis(), matrix.rangeExpr());
        long offset = ev.offsetMillis(selector.offsetMillis(), selector.offsetExpr());
        return new Windows(new ArrayList<>(), ends(ev, grid, ev.atTime(selector.at()), offset), range);
    }

    /**
     * Streams a range selector over the windows of {@code windows}: each series is read, held
     * ({@link Evaluator#hold}) and handed to {@code consumer}, which releases it when done with it; so
     * a range function holds one series' samples at a time rather than all of them. The series' sample
     * arrays are reused for the next series: the consumer must not keep them (its labels it may keep).
     */
    static void eachRangeSeries(Evaluator ev, MatrixSelector matrix, Windows windows, Consumer<RangeSeries> consumer) {
        eachRangeSeries(ev, matrix, windows, consumer, true);
    }

    private static void eachRangeSeries(Evaluator ev, MatrixSelector matrix, Windows windows, Consumer<RangeSeries> consumer,
            boolean reuse) {
        long[] ends = windows.ends;
        if (ends.length == 0) {
            return;
        }
        long mint = ends[0] - windows.range + 1;
        long maxt = ends[ends.length - 1];
        long[] timestamps = new long[reuse ? 256 : 16];
        double[] values = new double[timestamps.length];
        try (Querier querier = ev.queryable.querier(mint, maxt)) {
            SeriesSet set = querier.select(false, matrix.selector().matchers());
            while (set.next()) {
                ev.checkInterrupted();
                // The float samples without staleness markers; native histograms only by timestamp.
                SampleIterator iterator = set.iterator();
                int size = 0;
                long[] histograms = Evaluator.NO_TIMESTAMPS;
                int histogramCount = 0;
                while (iterator.next()) {
                    long t = iterator.timestamp();
                    if (iterator.histogram()) {
                        if (histogramCount == histograms.length) {
                            histograms = Arrays.copyOf(histograms, Math.max(4, histogramCount * 2));
                        }
                        histograms[histogramCount++] = t;
                        continue;
                    }
                    double v = iterator.value();
                    if (StaleMarker.is(v)) {
                        continue;
                    }
                    if (size == timestamps.length) {
                        timestamps = Arrays.copyOf(timestamps, size * 2);
                        values = Arrays.copyOf(values, size * 2);
                    }
                    timestamps[size] = t;
                    values[size] = v;
                    size++;
                }
                if (histogramCount != histograms.length) {
                    histograms = Arrays.copyOf(histograms, histogramCount);
                }
                if (size == 0 && histogramCount == 0) {
                    continue;
                }
                ev.hold(size);
                consumer.accept(new RangeSeries(set.labels(), timestamps, values, size, false, histograms));
                if (!reuse) {
                    timestamps = new long[16];
                    values = new double[16];
                }
            }
        }
    }

    /** The windows of a range selector at every step, all series at once. */
    static Windows windows(Evaluator ev, MatrixSelector matrix, Grid grid) {
        Windows windows = emptyWindows(ev, matrix, grid);
        eachRangeSeries(ev, matrix, windows, windows.series::add, false);
        return windows;
    }

    /** The windows of a subquery at every step: its expression evaluated once on the subquery's own grid. */
    static Windows windows(Evaluator ev, SubqueryExpr subquery, Grid grid) {
        long range = ev.durationMillis(subquery.rangeMillis(), subquery.rangeExpr());
        long step;
        if (subquery.stepExpr() != null) {
            step = ev.durationMillis(0, subquery.stepExpr());
        }
        else if (subquery.stepMillis() != 0) {
            step = subquery.stepMillis();
        }
        else {
            step = ev.options.defaultSubqueryStep().toMillis();
        }
        long offset = ev.offsetMillis(subquery.offsetMillis(), subquery.offsetExpr());
        long[] ends = ends(ev, grid, ev.atTime(subquery.at()), offset);
        List<RangeSeries> series = new ArrayList<>();
        if (grid.n() == 0) {
            return new Windows(series, ends, range);
        }
        long first = ends[0] - range;
        // The first multiple of the step after the first window's start (Go's truncating division).
        long start = step * (first / step);
        if (start <= first) {
            start += step;
        }
        Grid inner = Grid.of(start, ends[ends.length - 1], step);
        if (inner.n() > 0) {
            VectorVal value = ev.vectorArg(subquery.expr(), inner);
            for (Row row : value.rows()) {
                int count = row.count();
                if (count == 0) {
                    continue;
                }
                long[] timestamps = new long[count];
                double[] values = new double[count];
                int j = 0;
                for (int i = 0; i < inner.n(); i++) {
                    if (!Evaluator.absent(row.values[i])) {
                        timestamps[j] = inner.ts(i);
                        values[j] = row.values[i];
                        j++;
                    }
                }
                series.add(new RangeSeries(row.labels, timestamps, values, count, row.dropName));
            }
        }
        return new Windows(series, ends, range);
    }

    private static long[] ends(Evaluator ev, Grid grid, Long at, long offset) {
        long[] ends = new long[grid.n()];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = (at != null ? at : grid.ts(i)) - offset;
        }
        return ends;
    }

    /** Labels for {@code absent()}: the equality matchers that appear once, without the name. */
    static Labels absentLabels(mimir.promql.parser.Expr expr) {
        mimir.promql.parser.Expr e = Evaluator.unwrap(expr);
        List<mimir.model.Matcher> matchers;
        if (e instanceof VectorSelector selector) {
            matchers = selector.matchers();
        }
        else if (e instanceof MatrixSelector matrix) {
            matchers = matrix.selector().matchers();
        }
        else {
            return Labels.empty();
        }
        Labels.Builder builder = Labels.builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (mimir.model.Matcher matcher : matchers) {
            if (matcher.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (matcher.type() == mimir.model.Matcher.Type.EQUAL && seen.add(matcher.name())) {
                builder.set(matcher.name(), matcher.value());
            }
            else {
                builder.delete(matcher.name());
            }
        }
        return builder.build();
    }
}
