package mimir.tsdb.index;

/** Refs present in all inputs: leapfrog by seeking every input to the largest current ref. */
final class IntersectPostings implements Postings {
    private final Postings[] inputs;
    private long current = -1;
    private boolean exhausted;

    IntersectPostings(Postings[] inputs) {
        this.inputs = inputs;
    }

    @Override
    public boolean next() {
        if (exhausted) {
            return false;
        }
        for (Postings input : inputs) {
            if (!input.next()) {
                exhausted = true;
                return false;
            }
            current = Math.max(current, input.at());
        }
        return align();
    }

    @Override
    public boolean seek(long ref) {
        if (exhausted) {
            return false;
        }
        current = Math.max(current, ref);
        return align();
    }

    private boolean align() {
        outer:
        while (true) {
            for (Postings input : inputs) {
                if (!input.seek(current)) {
                    exhausted = true;
                    return false;
                }
                if (input.at() > current) {
                    current = input.at();
                    continue outer;
                }
            }
            return true;
        }
    }

    @Override
    public long at() {
        return current;
    }
}
