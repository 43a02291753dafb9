package mimir.tsdb.head;

import mimir.tsdb.index.Postings;

/** Postings over a private snapshot of sorted refs. */
final class ArrayPostings implements Postings {
    private final long[] refs;
    private final int size;
    private int index = -1;

    ArrayPostings(long[] refs, int size) {
        this.refs = refs;
        this.size = size;
    }

    @Override
    public boolean next() {
        if (index < size) {
            index++;
        }
        return index < size;
    }

    @Override
    public boolean seek(long ref) {
        if (index < 0) {
            index = 0;
        }
        if (index >= size) {
            return false;
        }
        if (refs[index] >= ref) {
            return true;
        }
        int low = index + 1;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (refs[mid] < ref) {
                low = mid + 1;
            }
            else {
                high = mid;
            }
        }
        index = low;
        return index < size;
    }

    @Override
    public long at() {
        return refs[index];
    }
}
