package mimir.tsdb.head;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.tsdb.index.Postings;

/**
 * The head's inverted index: label name → label value → sorted series refs in a growable
 * {@code long[]}, plus the list of all refs. It also interns label strings: the index keeps one
 * canonical {@code String} per distinct name and value, and {@link #add} rebuilds a new series' labels
 * from those, so a million series with {@code job="api"} share one "job" and one "api". An entry
 * disappears with its last series, and so does its interned string.
 *
 * <p>Readers take a snapshot (copy) of the lists they need under the read lock and then iterate it
 * lock-free; {@link #select} follows Prometheus's {@code PostingsForMatchers}: matchers that do not
 * match the empty string intersect, matchers that do match it subtract the series whose value fails
 * them (so series without the label still match), and {@code =~".*"} is ignored.
 */
public final class MemPostings {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final HashMap<String, NameEntry> names = new HashMap<>();
    private final RefList all = new RefList("");

    private static final class NameEntry {
        final String name;
        final HashMap<String, RefList> values = new HashMap<>();

        NameEntry(String name) {
            this.name = name;
        }
    }

    /**
     * Sorted refs of one label value; {@code value} is the interned string. Snapshots share the array:
     * appending a greater ref writes past every snapshot's end, and any other change (an insertion in
     * the middle, a removal) first copies the array if a snapshot may still read it. So a query costs no
     * copy of the lists it reads, and postings intersection allocates nothing per series.
     */
    private static final class RefList {
        final String value;
        long[] refs = new long[2];
        int size;
        /** True while a snapshot may read {@code refs}. */
        boolean shared;

        RefList(String value) {
            this.value = value;
        }

        void add(long ref) {
            if (size == refs.length) {
                refs = Arrays.copyOf(refs, size + (size >> 1) + 2);
                shared = false;
            }
            if (size == 0 || refs[size - 1] < ref) {
                refs[size++] = ref;
                return;
            }
            unshare();
            int i = size;
            while (i > 0 && refs[i - 1] > ref) {
                refs[i] = refs[i - 1];
                i--;
            }
            refs[i] = ref;
            size++;
        }

        /** Removes every ref that is in {@code sortedRefs} (ascending), in one merge pass. */
        void removeAll(long[] sortedRefs) {
            long[] target = shared ? new long[refs.length] : refs;
            int kept = 0;
            int j = 0;
            for (int i = 0; i < size; i++) {
                long ref = refs[i];
                while (j < sortedRefs.length && sortedRefs[j] < ref) {
                    j++;
                }
                if (j < sortedRefs.length && sortedRefs[j] == ref) {
                    continue;
                }
                target[kept++] = ref;
            }
            refs = target;
            shared = false;
            size = kept;
            if (size < refs.length / 4 && refs.length > 8) {
                refs = Arrays.copyOf(refs, Math.max(2, size * 2));
            }
        }

        private void unshare() {
            if (shared) {
                refs = refs.clone();
                shared = false;
            }
        }

        Postings snapshot() {
            shared = true;
            return Postings.ofSnapshot(refs, size);
        }
    }

    /**
     * Indexes a series whose labels need no interning (the caller made them of strings it shares, as
     * a snapshot's symbol table does); equal strings already in the index are kept as they are.
     */
    public void addShared(long ref, Labels labels) {
        index(ref, labels, null);
    }

    /** Indexes a new series and returns its labels rebuilt from interned strings. */
    public Labels add(long ref, Labels labels) {
        String[] pairs = new String[labels.size() * 2];
        index(ref, labels, pairs);
        return Labels.ofSorted(pairs);
    }

    /** Adds {@code ref} to the lists of its labels and to all; the interned strings go to {@code interned} if given. */
    private void index(long ref, Labels labels, String[] interned) {
        lock.writeLock().lock();
        try {
            for (int i = 0; i < labels.size(); i++) {
                String name = labels.name(i);
                NameEntry entry = names.get(name);
                if (entry == null) {
                    entry = new NameEntry(name);
                    names.put(name, entry);
                }
                String value = labels.value(i);
                RefList list = entry.values.get(value);
                if (list == null) {
                    list = new RefList(value);
                    entry.values.put(value, list);
                }
                list.add(ref);
                if (interned != null) {
                    interned[i * 2] = entry.name;
                    interned[i * 2 + 1] = list.value;
                }
            }
            all.add(ref);
        }
        finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Removes series from the index (head truncation removes many at once): each affected list is
     * filtered in one pass, so removing k of n series costs O(n + k log k), not k shifts of every list.
     *
     * @param refs   the series' refs
     * @param labels the series' labels, {@code labels.get(i)} belonging to {@code refs[i]}
     */
    public void deleteAll(long[] refs, List<Labels> labels) {
        if (refs.length != labels.size()) {
            throw new IllegalArgumentException(refs.length + " refs but " + labels.size() + " label sets");
        }
        if (refs.length == 0) {
            return;
        }
        long[] sorted = refs.clone();
        Arrays.sort(sorted);
        lock.writeLock().lock();
        try {
            IdentityHashMap<RefList, NameEntry> affected = new IdentityHashMap<>();
            for (Labels series : labels) {
                for (int i = 0; i < series.size(); i++) {
                    NameEntry entry = names.get(series.name(i));
                    if (entry != null) {
                        RefList list = entry.values.get(series.value(i));
                        if (list != null) {
                            affected.put(list, entry);
                        }
                    }
                }
            }
            affected.forEach((list, entry) -> {
                list.removeAll(sorted);
                if (list.size == 0) {
                    entry.values.remove(list.value);
                    if (entry.values.isEmpty()) {
                        names.remove(entry.name);
                    }
                }
            });
            all.removeAll(sorted);
        }
        finally {
            lock.writeLock().unlock();
        }
    }

    /** All refs. */
    public Postings all() {
        lock.readLock().lock();
        try {
            return all.snapshot();
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Refs of series with {@code name="value"}. */
    public Postings get(String name, String value) {
        lock.readLock().lock();
        try {
            NameEntry entry = names.get(name);
            RefList list = entry == null ? null : entry.values.get(value);
            return list == null ? Postings.empty() : list.snapshot();
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Label names in UTF-8 order. */
    public List<String> labelNames() {
        lock.readLock().lock();
        try {
            List<String> result = new ArrayList<>(names.keySet());
            result.sort(Labels::compareUtf8);
            return result;
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Values of a label in UTF-8 order. */
    public List<String> labelValues(String name) {
        lock.readLock().lock();
        try {
            NameEntry entry = names.get(name);
            if (entry == null) {
                return List.of();
            }
            List<String> result = new ArrayList<>(entry.values.keySet());
            result.sort(Labels::compareUtf8);
            return result;
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Number of distinct label names, values and postings entries (for the memory estimate). */
    public long memoryBytes() {
        lock.readLock().lock();
        try {
            long bytes = 64 + all.refs.length * 8L;
            for (NameEntry entry : names.values()) {
                bytes += 96 + 2L * entry.name.length() + 48;
                for (RefList list : entry.values.values()) {
                    bytes += 48 + 40 + 2L * list.value.length() + 16 + list.refs.length * 8L;
                }
            }
            return bytes;
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Refs of the series matching every matcher (all series if there is none), ascending. */
    public Postings select(List<Matcher> matchers) {
        lock.readLock().lock();
        try {
            List<Postings> intersect = new ArrayList<>();
            List<Postings> subtract = new ArrayList<>();
            for (Matcher matcher : matchers) {
                if (matcher.type() == Matcher.Type.REGEX && matcher.value().equals(".*")) {
                    continue;
                }
                if (matcher.matchesEmpty()) {
                    // Series without the label match; drop those whose value fails the matcher.
                    Postings failing = valuesFailing(matcher);
                    if (failing != null) {
                        subtract.add(failing);
                    }
                }
                else {
                    Postings matching = valuesMatching(matcher);
                    if (matching == null) {
                        return Postings.empty();
                    }
                    intersect.add(matching);
                }
            }
            if (intersect.isEmpty()) {
                intersect.add(all.snapshot());
            }
            Postings result = Postings.intersect(intersect);
            return subtract.isEmpty() ? result : Postings.without(result, Postings.union(subtract));
        }
        finally {
            lock.readLock().unlock();
        }
    }

    /** Union of the lists of the values that satisfy {@code matcher}; null if there are none. */
    private Postings valuesMatching(Matcher matcher) {
        NameEntry entry = names.get(matcher.name());
        if (entry == null) {
            return null;
        }
        List<Postings> lists = new ArrayList<>();
        Set<String> exact = matcher.setMatches();
        String prefix = matcher.prefix();
        if (exact != null) {
            for (String value : exact) {
                RefList list = entry.values.get(value);
                if (list != null) {
                    lists.add(list.snapshot());
                }
            }
        }
        else if (matcher.type() == Matcher.Type.NOT_EQUAL) {
            // Not matching "" means the value is "" itself: every value of the label except that one.
            for (RefList list : entry.values.values()) {
                if (!list.value.equals(matcher.value())) {
                    lists.add(list.snapshot());
                }
            }
        }
        else {
            for (RefList list : entry.values.values()) {
                if (prefix != null ? list.value.startsWith(prefix) : matcher.matches(list.value)) {
                    lists.add(list.snapshot());
                }
            }
        }
        return lists.isEmpty() ? null : Postings.union(lists);
    }

    /** Union of the lists of the values that fail {@code matcher} (which matches ""); null if none. */
    private Postings valuesFailing(Matcher matcher) {
        NameEntry entry = names.get(matcher.name());
        if (entry == null) {
            return null;
        }
        List<Postings> lists = new ArrayList<>();
        if (matcher.type() == Matcher.Type.NOT_EQUAL) {
            RefList list = entry.values.get(matcher.value());
            if (list != null) {
                lists.add(list.snapshot());
            }
        }
        else {
            Set<String> inverseExact = matcher.type() == Matcher.Type.NOT_REGEX
                    ? Matcher.regex(matcher.name(), matcher.value()).setMatches() : null;
            if (inverseExact != null) {
                for (String value : inverseExact) {
                    RefList list = entry.values.get(value);
                    if (list != null) {
                        lists.add(list.snapshot());
                    }
                }
            }
            else {
                for (RefList list : entry.values.values()) {
                    if (!matcher.matches(list.value)) {
                        lists.add(list.snapshot());
                    }
                }
            }
        }
        return lists.isEmpty() ? null : Postings.union(lists);
    }
}
