package mimir.tsdb.index;

/** Refs present in any input: a binary min-heap of the inputs keyed by their current ref. */
final class UnionPostings implements Postings {
    private final Postings[] inputs;
    private final Postings[] heap;
    private int heapSize;
    private boolean started;
    private long current;

    UnionPostings(Postings[] inputs) {
        this.inputs = inputs;
        this.heap = new Postings[inputs.length];
    }

    @Override
    public boolean next() {
        if (!started) {
            started = true;
            for (Postings input : inputs) {
                if (input.next()) {
                    push(input);
                }
            }
        }
        else {
            while (heapSize > 0 && heap[0].at() == current) {
                advanceTop(heap[0].next());
            }
        }
        if (heapSize == 0) {
            return false;
        }
        current = heap[0].at();
        return true;
    }

    @Override
    public boolean seek(long ref) {
        if (!started) {
            started = true;
            for (Postings input : inputs) {
                if (input.seek(ref)) {
                    push(input);
                }
            }
        }
        else {
            if (heapSize > 0 && current >= ref) {
                return true;
            }
            while (heapSize > 0 && heap[0].at() < ref) {
                advanceTop(heap[0].seek(ref));
            }
        }
        if (heapSize == 0) {
            return false;
        }
        current = heap[0].at();
        return true;
    }

    @Override
    public long at() {
        return current;
    }

    private void push(Postings input) {
        int i = heapSize++;
        heap[i] = input;
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent].at() <= heap[i].at()) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    /** The top moved (still valid) or ran out; restores heap order. */
    private void advanceTop(boolean stillValid) {
        if (!stillValid) {
            heap[0] = heap[--heapSize];
            heap[heapSize] = null;
        }
        int i = 0;
        while (true) {
            int left = 2 * i + 1;
            if (left >= heapSize) {
                return;
            }
            int smallest = left + 1 < heapSize && heap[left + 1].at() < heap[left].at() ? left + 1 : left;
            if (heap[i].at() <= heap[smallest].at()) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        Postings tmp = heap[a];
        heap[a] = heap[b];
        heap[b] = tmp;
    }
}
