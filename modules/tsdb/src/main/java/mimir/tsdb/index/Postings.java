package mimir.tsdb.index;

import java.util.List;

/**
 * A cursor over strictly increasing series refs, as stored in an index postings list. Starts before
 * the first element: call {@link #next()} or {@link #seek(long)} before {@link #at()}. Implementations
 * allocate nothing per element. Not thread-safe.
 */
public interface Postings {
    /** Advances to the next ref; false when exhausted (then stays exhausted). */
    boolean next();

    /**
     * Advances to the first ref ≥ {@code ref}; does not move if the current ref already qualifies.
     * False when there is none.
     */
    boolean seek(long ref);

    /** The current ref; undefined before the first successful {@link #next()}/{@link #seek(long)}. */
    long at();

    /** Postings with no refs. */
    static Postings empty() {
        return ListPostings.EMPTY;
    }

    /** Postings over sorted, unique refs (copied). */
    static Postings of(long... refs) {
        for (int i = 1; i < refs.length; i++) {
            if (refs[i] <= refs[i - 1]) {
                throw new IllegalArgumentException("postings not strictly increasing at index " + i);
            }
        }
        return new ListPostings(refs.clone(), refs.length);
    }

    /**
     * Postings over the first {@code size} refs of an array the caller hands over and never changes
     * again (a snapshot), already sorted and unique; not copied or checked.
     */
    static Postings ofSnapshot(long[] refs, int size) {
        return new ListPostings(refs, size);
    }

    /** Refs present in every input. */
    static Postings intersect(List<Postings> inputs) {
        return switch (inputs.size()) {
            case 0 -> empty();
            case 1 -> inputs.getFirst();
            default -> new IntersectPostings(inputs.toArray(Postings[]::new));
        };
    }

    /** Refs present in any input, each once. */
    static Postings union(List<Postings> inputs) {
        return switch (inputs.size()) {
            case 0 -> empty();
            case 1 -> inputs.getFirst();
            default -> new UnionPostings(inputs.toArray(Postings[]::new));
        };
    }

    /** Refs of {@code full} that are not in {@code drop}. */
    static Postings without(Postings full, Postings drop) {
        return new WithoutPostings(full, drop);
    }

    /** Drains the postings into an array (tests and small lists). */
    static long[] toArray(Postings postings) {
        long[] refs = new long[16];
        int size = 0;
        while (postings.next()) {
            if (size == refs.length) {
                refs = java.util.Arrays.copyOf(refs, size * 2);
            }
            refs[size++] = postings.at();
        }
        return java.util.Arrays.copyOf(refs, size);
    }
}
