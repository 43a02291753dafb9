package mimir.distributor.remotewrite;

import static java.util.Objects.requireNonNull;

import mimir.model.Labels;

/**
 * One tenant's recently pushed series, keyed by a hash of their labels' wire bytes, so that a series
 * pushed again (every scrape of a Prometheus pushes every series again) is recognised without decoding
 * its label strings, building its {@link Labels} or validating them: the decoder checks a candidate
 * against the wire bytes ({@link RemoteWrite1Decoder}) and takes the cached instance. Every entry
 * passed the distributor's validation under {@link #validatedFor()} (the tenant's limits then), which
 * is why a cache belongs to one tenant and is replaced when the tenant's limits change.
 *
 * <p>The entries are the ingester's own label sets where the ingester is in this process (it hands
 * them back in the batch), so the cache costs a table slot per series and no second copy of the
 * labels, and the ingester finds the series by identity.
 *
 * <p>A table of tags (32 bits of the hash) and label sets that doubles, up to {@value #MAX_BITS} bits
 * of slots, as it fills past half. A tag has {@value #WAYS} slots: two neighbours at each of two places
 * (with one place per tag, about one series in eight lost its slot to another at that fill, and the
 * two took turns to miss); when all four are taken the first is replaced. Lookups and
 * insertions race freely: an entry is only a candidate, always compared with the wire bytes, and
 * {@code Labels} is immutable, so a torn or lost write costs at most a slow decode.
 */
public final class SeriesCache {
    static final int MIN_BITS = 12;
    static final int MAX_BITS = 22;

    private static final class Table {
        final int[] tags;
        final Labels[] labels;
        /** The ingester's handle of each entry's series (see {@code WriteBatch#handle}), or null. */
        final Object[] handles;
        final int mask;
        final int bits;
        int inserts;

        Table(int bits) {
            this.bits = bits;
            this.tags = new int[1 << bits];
            this.labels = new Labels[1 << bits];
            this.handles = new Object[1 << bits];
            this.mask = (1 << bits) - 1;
        }
    }

    private final Object validatedFor;
    private volatile Table table = new Table(MIN_BITS);

    /** An empty cache whose entries will be validated under {@code validatedFor}. */
    public SeriesCache(Object validatedFor) {
        this.validatedFor = requireNonNull(validatedFor, "validatedFor is null");
    }

    /** What the entries were validated under (the tenant's limits, compared by identity). */
    public Object validatedFor() {
        return validatedFor;
    }

    private static int tag(long hash) {
        int tag = (int) (hash >>> 32);
        return tag == 0 ? 1 : tag;
    }

    /** Slots a tag may occupy: two neighbouring slots at each of two places taken from the tag. */
    static final int WAYS = 4;

    private static int slot(int tag, int way, int mask) {
        int base = way < 2 ? tag : Integer.rotateLeft(tag * 0x85EBCA6B, 16);
        return (base & mask & ~1) | (way & 1);
    }

    /** The candidate of {@code hash} in way {@code way} (0 to {@link #WAYS} - 1), or null. */
    Labels candidate(long hash, int way) {
        Table t = table;
        int tag = tag(hash);
        int slot = slot(tag, way, t.mask);
        return t.tags[slot] == tag ? t.labels[slot] : null;
    }

    /**
     * The ingester's handle stored with the candidate of {@code hash} in {@code way}, or null. Read apart
     * from the labels, so it may belong to another entry after a racing write; the ingester ignores a
     * handle that is not for the labels it comes with.
     */
    Object handle(long hash, int way) {
        Table t = table;
        return t.handles[slot(tag(hash), way, t.mask)];
    }

    /**
     * Remembers {@code labels} as the series whose label bytes hash to {@code hash}, with the ingester's
     * {@code handle} for it (may be null). Only label sets of ASCII strings are kept (others are
     * ignored): the decoder compares a candidate's strings with the wire bytes by their low bytes,
     * which spell the UTF-8 bytes of a string only when it is ASCII.
     */
    public void put(long hash, Labels labels, Object handle) {
        requireNonNull(labels, "labels is null");
        if (!ascii(labels)) {
            return;
        }
        Table t = table;
        int tag = tag(hash);
        insert(t, tag, labels, handle);
        if (t.inserts > t.tags.length / 2 && t.bits < MAX_BITS) {
            grow(t);
        }
    }

    private static boolean ascii(Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            if (!ascii(labels.name(i)) || !ascii(labels.value(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Into the way already holding {@code tag}, else the first empty one, else the first way. */
    private static void insert(Table t, int tag, Labels labels, Object handle) {
        int target = -1;
        for (int way = 0; way < WAYS; way++) {
            int slot = slot(tag, way, t.mask);
            int held = t.tags[slot];
            if (held == tag) {
                target = slot;
                break;
            }
            if (held == 0 && target < 0) {
                target = slot;
            }
        }
        if (target < 0) {
            target = displace(t, tag);
        }
        if (t.tags[target] == 0) {
            t.inserts++;
        }
        t.labels[target] = labels;
        t.handles[target] = handle;
        t.tags[target] = tag;
    }

    /**
     * All ways of {@code tag} are taken: moves one occupant to a free slot among its own other two ways
     * (one cuckoo step) and returns the slot it left, else returns the first way (its entry is lost).
     */
    private static int displace(Table t, int tag) {
        for (int way = 0; way < WAYS; way++) {
            int slot = slot(tag, way, t.mask);
            int occupant = t.tags[slot];
            // The occupant's own place that is not this one.
            int otherPlace = (slot(occupant, 0, t.mask) & ~1) == (slot & ~1) ? 2 : 0;
            for (int other = otherPlace; other < otherPlace + 2; other++) {
                int free = slot(occupant, other, t.mask);
                if (t.tags[free] == 0) {
                    if ((free & ~1) == (slot & ~1)) {
                        continue;
                    }
                    t.labels[free] = t.labels[slot];
                    t.handles[free] = t.handles[slot];
                    t.tags[free] = occupant;
                    // One more slot is taken in all: the caller counts it when it fills the slot left here.
                    t.tags[slot] = 0;
                    return slot;
                }
            }
        }
        return slot(tag, 0, t.mask);
    }

    private synchronized void grow(Table full) {
        if (table != full) {
            return;
        }
        Table bigger = new Table(full.bits + 1);
        for (int i = 0; i < full.tags.length; i++) {
            int tag = full.tags[i];
            Labels labels = full.labels[i];
            if (tag != 0 && labels != null) {
                insert(bigger, tag, labels, full.handles[i]);
            }
        }
        table = bigger;
    }

    /** Slots of the table (for tests and metrics). */
    int capacity() {
        return table.tags.length;
    }
}
