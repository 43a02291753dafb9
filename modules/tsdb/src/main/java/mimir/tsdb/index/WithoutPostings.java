package mimir.tsdb.index;

/** Refs of {@code full} not in {@code drop}. */
final class WithoutPostings implements Postings {
    private final Postings full;
    private final Postings drop;
    private boolean dropStarted;
    private boolean dropExhausted;

    WithoutPostings(Postings full, Postings drop) {
        this.full = full;
        this.drop = drop;
    }

    @Override
    public boolean next() {
        return full.next() && skipDropped();
    }

    @Override
    public boolean seek(long ref) {
        return full.seek(ref) && skipDropped();
    }

    private boolean skipDropped() {
        while (true) {
            long candidate = full.at();
            if (!dropExhausted && (!dropStarted || drop.at() < candidate)) {
                dropStarted = true;
                dropExhausted = !drop.seek(candidate);
            }
            if (dropExhausted || drop.at() != candidate) {
                return true;
            }
            if (!full.next()) {
                return false;
            }
        }
    }

    @Override
    public long at() {
        return full.at();
    }
}
