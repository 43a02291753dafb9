package mimir.tsdb;

import mimir.model.storage.SampleIterator;

/**
 * Merges the sample iterators of one series from several sources into ascending time order. Samples
 * with equal timestamps are emitted once, with the value of the iterator that comes first in the
 * input array (the first querier wins a conflict). A linear scan over the inputs: the number of
 * sources (head plus overlapping blocks) is small. Allocation-free per sample.
 */
final class MergeSampleIterator implements SampleIterator {
    private final SampleIterator[] inputs;
    private final long[] times;
    private final boolean[] valid;
    private boolean started;
    private int current = -1;

    MergeSampleIterator(SampleIterator[] inputs) {
        this.inputs = inputs;
        this.times = new long[inputs.length];
        this.valid = new boolean[inputs.length];
    }

    @Override
    public boolean next() {
        if (!started) {
            started = true;
            for (int i = 0; i < inputs.length; i++) {
                load(i, inputs[i].next());
            }
            return pick();
        }
        if (current < 0) {
            return false;
        }
        long last = times[current];
        for (int i = 0; i < inputs.length; i++) {
            if (valid[i] && times[i] == last) {
                load(i, inputs[i].next());
            }
        }
        return pick();
    }

    @Override
    public boolean seek(long t) {
        if (started && current >= 0 && times[current] >= t) {
            return true;
        }
        if (started && current < 0) {
            return false;
        }
        for (int i = 0; i < inputs.length; i++) {
            if (!started || (valid[i] && times[i] < t)) {
                load(i, inputs[i].seek(t));
            }
        }
        started = true;
        return pick();
    }

    private void load(int i, boolean hasSample) {
        valid[i] = hasSample;
        if (hasSample) {
            times[i] = inputs[i].timestamp();
        }
    }

    private boolean pick() {
        current = -1;
        for (int i = 0; i < inputs.length; i++) {
            if (valid[i] && (current < 0 || times[i] < times[current])) {
                current = i;
            }
        }
        return current >= 0;
    }

    @Override
    public long timestamp() {
        return times[current];
    }

    @Override
    public double value() {
        return inputs[current].value();
    }

    /** The current value's raw bits; exact NaN payloads when the source is a block. */
    long valueBits() {
        SampleIterator input = inputs[current];
        return input instanceof BlockSampleIterator block ? block.valueBits() : Double.doubleToRawLongBits(input.value());
    }
}
