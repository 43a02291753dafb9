package mimir.tsdb.head;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The head's series by ref, read without locking: appending by ref looks a series up per sample.
 * Refs are handed out sequentially from 1 (and replayed WALs carry refs made the same way), so refs
 * below {@value #DENSE_LIMIT} are slots of 4096-entry pages indexed by the ref itself: a lookup is two
 * array reads, and series created together sit next to each other. A page is freed when its last
 * series is removed. Larger refs (only from a foreign WAL) go to a map under the table's lock.
 *
 * <p>Writers synchronise on the table; readers see a series once {@link #put} returned (release
 * stores, acquire loads) and miss it once {@link #remove} returned.
 */
public final class SeriesRefs {
    /** Refs below this live in pages; the page directory then has at most 2^19 entries. */
    public static final long DENSE_LIMIT = 1L << 31;
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(MemSeries[].class);
    private static final VarHandle PAGE = MethodHandles.arrayElementVarHandle(MemSeries[][].class);

    private volatile MemSeries[][] pages = new MemSeries[16][];
    /** Live series per page; guarded by this. */
    private int[] pageCounts = new int[16];
    /** Refs outside the dense range; guarded by this. */
    private final LongObjectMap<MemSeries> sparse = new LongObjectMap<>();
    private int pageCount;

    /** The series with this ref, or null. */
    public MemSeries get(long ref) {
        if (ref >= 0 && ref < DENSE_LIMIT) {
            MemSeries[][] directory = pages;
            int page = (int) (ref >>> PAGE_BITS);
            if (page >= directory.length) {
                return null;
            }
            MemSeries[] slots = (MemSeries[]) PAGE.getAcquire(directory, page);
            return slots == null ? null : (MemSeries) SLOT.getAcquire(slots, (int) ref & (PAGE_SIZE - 1));
        }
        synchronized (this) {
            return sparse.get(ref);
        }
    }

    /** Adds a series under its ref, which must not be taken. */
    public synchronized void put(MemSeries series) {
        long ref = series.ref();
        if (ref < 0 || ref >= DENSE_LIMIT) {
            sparse.put(ref, series);
            return;
        }
        int page = (int) (ref >>> PAGE_BITS);
        MemSeries[][] directory = pages;
        if (page >= directory.length) {
            int length = Math.max(directory.length * 2, Integer.highestOneBit(page) * 2);
            MemSeries[][] grown = new MemSeries[length][];
            System.arraycopy(directory, 0, grown, 0, directory.length);
            int[] counts = new int[length];
            System.arraycopy(pageCounts, 0, counts, 0, pageCounts.length);
            pageCounts = counts;
            pages = directory = grown;
        }
        MemSeries[] slots = directory[page];
        if (slots == null) {
            slots = new MemSeries[PAGE_SIZE];
            PAGE.setRelease(directory, page, slots);
            pageCount++;
        }
        int slot = (int) ref & (PAGE_SIZE - 1);
        if (slots[slot] == null) {
            pageCounts[page]++;
        }
        SLOT.setRelease(slots, slot, series);
    }

    /** Removes the series with this ref, if any. */
    public synchronized void remove(long ref) {
        if (ref < 0 || ref >= DENSE_LIMIT) {
            sparse.remove(ref);
            return;
        }
        MemSeries[][] directory = pages;
        int page = (int) (ref >>> PAGE_BITS);
        if (page >= directory.length || directory[page] == null) {
            return;
        }
        MemSeries[] slots = directory[page];
        int slot = (int) ref & (PAGE_SIZE - 1);
        if (slots[slot] == null) {
            return;
        }
        SLOT.setRelease(slots, slot, null);
        if (--pageCounts[page] == 0) {
            PAGE.setRelease(directory, page, null);
            pageCount--;
        }
    }

    /**
     * Calls {@code consumer} with every series, in ref order for the dense refs. Weakly consistent:
     * series added or removed meanwhile may or may not be seen; does not block writers.
     */
    public void forEach(Consumer<? super MemSeries> consumer) {
        MemSeries[][] directory = pages;
        for (int page = 0; page < directory.length; page++) {
            MemSeries[] slots = (MemSeries[]) PAGE.getAcquire(directory, page);
            if (slots == null) {
                continue;
            }
            for (int slot = 0; slot < PAGE_SIZE; slot++) {
                MemSeries series = (MemSeries) SLOT.getAcquire(slots, slot);
                if (series != null) {
                    consumer.accept(series);
                }
            }
        }
        MemSeries[] large;
        synchronized (this) {
            large = new MemSeries[sparse.size()];
            int[] index = {0};
            sparse.forEachValue(s -> large[index[0]++] = s);
        }
        for (MemSeries series : large) {
            consumer.accept(series);
        }
    }

    /** Approximate heap bytes of the table (pages, directory, map). */
    public synchronized long memoryBytes() {
        return 32L + 16 + pages.length * 8L + pageCount * (16L + PAGE_SIZE * 4L) + sparse.memoryBytes();
    }
}
