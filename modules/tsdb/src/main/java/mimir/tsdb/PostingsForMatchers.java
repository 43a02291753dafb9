package mimir.tsdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.tsdb.index.Postings;

/**
 * Selects the series refs matching a conjunction of label matchers from an inverted index, with
 * Prometheus's rules ({@code PostingsForMatchers}):
 *
 * <ul>
 * <li>A matcher that does not match the empty string requires its label to be set: it is answered
 * from that label's postings and intersected. {@code l!="v"} / {@code l!~"re"} on such a label (the
 * label is required by another matcher) are subtracted instead of enumerating every other value.</li>
 * <li>A matcher that matches the empty string also selects series without the label, so it is
 * answered by subtracting the series whose value does <em>not</em> match ({@code l=""} removes every
 * series that has {@code l}).</li>
 * <li>When nothing is intersected, subtraction starts from all postings.</li>
 * <li>{@code =}, literal alternations ({@code a|b}) and prefixes ({@code api.*}) look values up
 * directly; other regular expressions scan the label's values once.</li>
 * </ul>
 *
 * Works over any {@link Index}, so the head and blocks share the rules.
 */
public final class PostingsForMatchers {
    /** The part of an inverted index the rules need. */
    public interface Index {
        /** Refs with label {@code name=value} in ascending order; empty if absent. */
        Postings postings(String name, String value) throws IOException;

        /** All values of label {@code name} in ascending UTF-8 byte order. */
        List<String> labelValues(String name) throws IOException;

        /** Every series ref in ascending order. */
        Postings allPostings() throws IOException;
    }

    private PostingsForMatchers() {}

    /** The refs of the series matching every matcher (all series for no matchers). */
    public static Postings select(Index index, List<Matcher> matchers) throws IOException {
        Set<String> labelMustBeSet = new HashSet<>();
        for (Matcher matcher : matchers) {
            if (!matcher.matchesEmpty()) {
                labelMustBeSet.add(matcher.name());
            }
        }
        List<Postings> intersect = new ArrayList<>();
        List<Postings> subtract = new ArrayList<>();
        for (Matcher matcher : matchers) {
            boolean negative = matcher.type() == Matcher.Type.NOT_EQUAL || matcher.type() == Matcher.Type.NOT_REGEX;
            if (!labelMustBeSet.contains(matcher.name())) {
                // Matches the empty value: keep series without the label, drop those whose value fails.
                subtract.add(valuesNotMatching(index, matcher));
            }
            else if (negative && matcher.matchesEmpty()) {
                // l!="v" with l required elsewhere: drop the series with the excluded values.
                subtract.add(valuesNotMatching(index, matcher));
            }
            else {
                Postings postings = valuesMatching(index, matcher);
                if (postings == Postings.empty()) {
                    return Postings.empty();
                }
                intersect.add(postings);
            }
        }
        if (intersect.isEmpty()) {
            intersect.add(index.allPostings());
        }
        Postings result = Postings.intersect(intersect);
        for (Postings drop : subtract) {
            result = Postings.without(result, drop);
        }
        return result;
    }

    /** Union of the postings of every value of the matcher's label that the matcher accepts. */
    private static Postings valuesMatching(Index index, Matcher matcher) throws IOException {
        Set<String> set = matcher.setMatches();
        if (set != null) {
            List<Postings> lists = new ArrayList<>(set.size());
            for (String value : set) {
                lists.add(index.postings(matcher.name(), value));
            }
            return unionOrEmpty(lists);
        }
        List<String> values = index.labelValues(matcher.name());
        String prefix = matcher.prefix();
        List<Postings> lists = new ArrayList<>();
        if (prefix != null) {
            // Values with a common prefix are contiguous in code point order.
            for (int i = firstAtLeast(values, prefix); i < values.size() && values.get(i).startsWith(prefix); i++) {
                lists.add(index.postings(matcher.name(), values.get(i)));
            }
            return unionOrEmpty(lists);
        }
        for (String value : values) {
            if (matcher.matches(value)) {
                lists.add(index.postings(matcher.name(), value));
            }
        }
        return unionOrEmpty(lists);
    }

    /** Union of the postings of every value of the matcher's label that the matcher rejects. */
    private static Postings valuesNotMatching(Index index, Matcher matcher) throws IOException {
        if (matcher.type() == Matcher.Type.NOT_EQUAL) {
            return index.postings(matcher.name(), matcher.value());
        }
        if (matcher.type() == Matcher.Type.EQUAL && matcher.value().isEmpty()) {
            // Every present value is non-empty.
            List<String> values = index.labelValues(matcher.name());
            List<Postings> lists = new ArrayList<>(values.size());
            for (String value : values) {
                lists.add(index.postings(matcher.name(), value));
            }
            return unionOrEmpty(lists);
        }
        List<Postings> lists = new ArrayList<>();
        for (String value : index.labelValues(matcher.name())) {
            if (!matcher.matches(value)) {
                lists.add(index.postings(matcher.name(), value));
            }
        }
        return unionOrEmpty(lists);
    }

    private static Postings unionOrEmpty(List<Postings> lists) {
        lists.removeIf(postings -> postings == Postings.empty());
        return lists.isEmpty() ? Postings.empty() : Postings.union(lists);
    }

    private static int firstAtLeast(List<String> sorted, String key) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (Labels.compareUtf8(sorted.get(mid), key) < 0) {
                low = mid + 1;
            }
            else {
                high = mid;
            }
        }
        return low;
    }
}
