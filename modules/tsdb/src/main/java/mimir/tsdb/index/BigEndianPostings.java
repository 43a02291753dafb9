package mimir.tsdb.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Postings decoded lazily from an index postings list: 4-byte big-endian refs, no copy. */
final class BigEndianPostings implements Postings {
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment entries;
    private final int size;
    private int index = -1;
    private long current;

    BigEndianPostings(MemorySegment entries, int size) {
        this.entries = entries;
        this.size = size;
    }

    private long get(int i) {
        return entries.get(INT_BE, 4L * i) & 0xffff_ffffL;
    }

    @Override
    public boolean next() {
        if (index < size) {
            index++;
        }
        if (index < size) {
            current = get(index);
            return true;
        }
        return false;
    }

    @Override
    public boolean seek(long ref) {
        if (index < 0) {
            index = 0;
            if (size > 0) {
                current = get(0);
            }
        }
        if (index >= size) {
            return false;
        }
        if (current >= ref) {
            return true;
        }
        int low = index + 1;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (get(mid) < ref) {
                low = mid + 1;
            }
            else {
                high = mid;
            }
        }
        index = low;
        if (index < size) {
            current = get(index);
            return true;
        }
        return false;
    }

    @Override
    public long at() {
        return current;
    }
}
