package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SeriesSet;
import org.junit.jupiter.api.Test;

/** The head's postings against brute force: every matcher shape, including the ones matching "". */
class TestHeadIndex {
    private static final String[] NAMES = {"__name__", "job", "instance", "env", "zone"};
    private static final String[] VALUES = {"a", "b", "api", "api-2", "apx", "ü", "😀", "x.y"};

    private final SplittableRandom random = new SplittableRandom(42);
    private final Head head = Head.inMemory(HeadOptions.defaults());
    private final List<Labels> all = new ArrayList<>();

    @Test
    void selectMatchesBruteForceForRandomMatchers() throws Exception {
        populate(300);
        for (int round = 0; round < 500; round++) {
            List<Matcher> matchers = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                matchers.add(randomMatcher());
            }
            List<Labels> expected = all.stream().filter(labels -> matchesAll(labels, matchers)).sorted().toList();
            assertThat(select(matchers)).as("select %s", matchers).containsExactlyElementsOf(expected);

            TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
            expected.forEach(labels -> names.addAll(labels.names()));
            TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
            expected.forEach(labels -> {
                if (labels.has("job")) {
                    values.add(labels.get("job"));
                }
            });
            try (HeadQuerier querier = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(querier.labelNames(matchers)).as("names %s", matchers).containsExactlyElementsOf(names);
                assertThat(querier.labelValues("job", matchers)).as("values %s", matchers).containsExactlyElementsOf(values);
            }
        }
    }

    @Test
    void labelNamesAndValuesWithoutMatchersComeFromTheIndexInUtf8Order() throws Exception {
        populate(200);
        TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
        TreeSet<String> zones = new TreeSet<>(Labels::compareUtf8);
        for (Labels labels : all) {
            names.addAll(labels.names());
            if (labels.has("zone")) {
                zones.add(labels.get("zone"));
            }
        }
        try (HeadQuerier querier = head.querier(0, 1)) {
            assertThat(querier.labelNames(List.of())).containsExactlyElementsOf(names);
            assertThat(querier.labelValues("zone", List.of())).containsExactlyElementsOf(zones);
            assertThat(querier.labelValues("zone", List.of())).last().isEqualTo("😀");
            assertThat(querier.labelValues("missing", List.of())).isEmpty();
        }
        assertThat(head.numSeries()).isEqualTo(all.size());
    }

    @Test
    void seriesShareInternedLabelStringsAndTheMemoryEstimateGrowsWithSeries() throws Exception {
        HeadAppender appender = head.appender();
        appender.append(Labels.of("__name__", new String("up"), "job", new String("api")), 1, 1);
        appender.append(Labels.of("__name__", new String("up"), "job", new String("api"), "instance", "1"), 1, 1);
        appender.commit();
        long small = head.memoryEstimateBytes();
        List<Labels> stored = select(List.of(Matcher.equal("job", "api")));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(0).metricName()).isSameAs(stored.get(1).metricName());
        assertThat(stored.get(0).get("job")).isSameAs(stored.get(1).get("job"));

        populate(1000);
        assertThat(head.memoryEstimateBytes()).isGreaterThan(small + 1000 * 100L);
    }

    private void populate(int count) throws Exception {
        HeadAppender appender = head.appender();
        while (all.size() < count) {
            Labels.Builder builder = Labels.builder();
            for (String name : NAMES) {
                if (random.nextInt(4) != 0) {
                    builder.set(name, VALUES[random.nextInt(VALUES.length)]);
                }
            }
            builder.set("id", Integer.toString(all.size()));
            Labels labels = builder.build();
            appender.append(labels, 1000, 1);
            all.add(labels);
        }
        appender.commit();
    }

    private Matcher randomMatcher() {
        String name = random.nextInt(10) == 0 ? "missing" : NAMES[random.nextInt(NAMES.length)];
        String value = switch (random.nextInt(8)) {
            case 0 -> "";
            case 1 -> ".*";
            case 2 -> ".+";
            case 3 -> "ap.*";
            case 4 -> VALUES[random.nextInt(VALUES.length)] + "|" + VALUES[random.nextInt(VALUES.length)];
            case 5 -> "a|";
            case 6 -> "[ab]|x\\..";
            default -> VALUES[random.nextInt(VALUES.length)];
        };
        Matcher.Type type = Matcher.Type.values()[random.nextInt(4)];
        if (type == Matcher.Type.EQUAL || type == Matcher.Type.NOT_EQUAL) {
            value = value.contains("|") || value.contains("*") || value.contains("+") || value.contains("[") ? "a" : value;
        }
        return Matcher.of(type, name, value);
    }

    private static boolean matchesAll(Labels labels, List<Matcher> matchers) {
        for (Matcher matcher : matchers) {
            if (!matcher.matches(labels.get(matcher.name()))) {
                return false;
            }
        }
        return true;
    }

    private List<Labels> select(List<Matcher> matchers) {
        List<Labels> result = new ArrayList<>();
        try (HeadQuerier querier = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = querier.select(true, matchers);
            while (set.next()) {
                result.add(set.labels());
            }
        }
        return result;
    }

    @Test
    void labelSetsSpreadOverStripesAndOverEachStripesHashBuckets() {
        // 65,536 series in 256 stripes: ~256 per stripe, whose HashMap (512 buckets) indexes by (h ^ h >>> 16).
        java.util.Map<Integer, java.util.Set<Integer>> bucketsByStripe = new java.util.HashMap<>();
        for (int i = 0; i < 65_536; i++) {
            int hash = Labels.of("__name__", "metric_" + i % 100, "pod", "pod-" + i).hashCode();
            bucketsByStripe.computeIfAbsent(Head.labelsStripeIndex(hash), stripe -> new java.util.HashSet<>()).add((hash ^ hash >>> 16) & 511);
        }
        assertThat(bucketsByStripe).hasSize(256);
        // Correlated stripe and bucket bits would leave two buckets per stripe and turn them into tree bins.
        assertThat(bucketsByStripe.values()).allSatisfy(buckets -> assertThat(buckets.size()).isGreaterThan(120));
    }

    @Test
    void postingsTakenEarlierKeepTheirContentsWhileTheIndexChanges() {
        mimir.tsdb.head.MemPostings index = new mimir.tsdb.head.MemPostings();
        Labels labels = Labels.of("job", "api");
        for (long ref = 10; ref <= 50; ref += 10) {
            index.add(ref, labels);
        }
        mimir.tsdb.index.Postings before = index.get("job", "api");
        index.add(60, labels);
        index.add(25, labels);
        index.deleteAll(new long[] {30}, List.of(labels));
        index.deleteAll(new long[] {10}, List.of(labels));
        assertThat(refs(before)).containsExactly(10L, 20L, 30L, 40L, 50L);
        assertThat(refs(index.get("job", "api"))).containsExactly(20L, 25L, 40L, 50L, 60L);
    }

    @Test
    void bulkDeleteRemovesExactlyTheGivenSeriesAndKeepsSnapshotsIntact() {
        mimir.tsdb.head.MemPostings index = new mimir.tsdb.head.MemPostings();
        java.util.Random random = new java.util.Random(7);
        java.util.Map<Long, Labels> series = new java.util.TreeMap<>();
        for (long ref = 1; ref <= 2_000; ref++) {
            Labels labels = Labels.of("__name__", "m" + random.nextInt(5), "pod", "p" + random.nextInt(50));
            series.put(ref, labels);
            index.add(ref, labels);
        }
        mimir.tsdb.index.Postings before = index.get("__name__", "m0");
        List<Long> m0Before = series.entrySet().stream().filter(e -> e.getValue().get("__name__").equals("m0")).map(java.util.Map.Entry::getKey).toList();
        List<Long> removed = series.keySet().stream().filter(ref -> random.nextInt(3) > 0).toList();
        index.deleteAll(removed.stream().mapToLong(Long::longValue).toArray(), removed.stream().map(series::get).toList());
        removed.forEach(series::remove);
        assertThat(refs(before)).as("snapshot taken before the delete").isEqualTo(m0Before);
        assertThat(refs(index.all())).isEqualTo(List.copyOf(series.keySet()));
        for (int pod = 0; pod < 50; pod++) {
            String value = "p" + pod;
            assertThat(refs(index.get("pod", value))).as(value)
                    .isEqualTo(series.entrySet().stream().filter(e -> e.getValue().get("pod").equals(value)).map(java.util.Map.Entry::getKey).toList());
        }
        long[] rest = series.keySet().stream().mapToLong(Long::longValue).toArray();
        index.deleteAll(rest, series.values().stream().toList());
        assertThat(index.labelNames()).isEmpty();
        assertThat(refs(index.all())).isEmpty();
    }

    private static List<Long> refs(mimir.tsdb.index.Postings postings) {
        List<Long> refs = new ArrayList<>();
        while (postings.next()) {
            refs.add(postings.at());
        }
        return refs;
    }
}
