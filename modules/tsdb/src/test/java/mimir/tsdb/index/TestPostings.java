package mimir.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class TestPostings {
    private final SplittableRandom random = new SplittableRandom(3);

    @Test
    void intersectUnionAndWithoutAgreeWithSetArithmetic() {
        for (int round = 0; round < 300; round++) {
            int inputs = 1 + random.nextInt(5);
            List<TreeSet<Long>> sets = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                sets.add(randomSet());
            }
            TreeSet<Long> intersection = new TreeSet<>(sets.getFirst());
            TreeSet<Long> union = new TreeSet<>();
            for (TreeSet<Long> set : sets) {
                intersection.retainAll(set);
                union.addAll(set);
            }
            TreeSet<Long> difference = new TreeSet<>(sets.getFirst());
            difference.removeAll(sets.getLast());

            assertThat(Postings.toArray(Postings.intersect(postings(sets)))).containsExactly(toArray(intersection));
            assertThat(Postings.toArray(Postings.union(postings(sets)))).containsExactly(toArray(union));
            assertThat(Postings.toArray(Postings.without(of(sets.getFirst()), of(sets.getLast())))).containsExactly(toArray(difference));

            long target = random.nextLong(0, 1200);
            assertSeek(Postings.intersect(postings(sets)), intersection, target);
            assertSeek(Postings.union(postings(sets)), union, target);
            assertSeek(Postings.without(of(sets.getFirst()), of(sets.getLast())), difference, target);
        }
    }

    @Test
    void bigEndianPostingsSeekAndIterateLikeAList() {
        TreeSet<Long> set = randomSet();
        long[] refs = toArray(set);
        MemorySegment bytes = MemorySegment.ofArray(new byte[refs.length * 4]);
        for (int i = 0; i < refs.length; i++) {
            bytes.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4L * i, (int) refs[i]);
        }
        assertThat(Postings.toArray(new BigEndianPostings(bytes, refs.length))).containsExactly(refs);
        assertSeek(new BigEndianPostings(bytes, refs.length), set, 500);
    }

    /** Seeks to {@code target}, then again to a smaller value (must not move), then drains. */
    private static void assertSeek(Postings postings, TreeSet<Long> expected, long target) {
        Long ceiling = expected.ceiling(target);
        assertThat(postings.seek(target)).isEqualTo(ceiling != null);
        if (ceiling == null) {
            assertThat(postings.next()).isFalse();
            return;
        }
        assertThat(postings.at()).isEqualTo(ceiling);
        assertThat(postings.seek(target - 5)).isTrue();
        assertThat(postings.at()).isEqualTo(ceiling);
        List<Long> rest = new ArrayList<>();
        while (postings.next()) {
            rest.add(postings.at());
        }
        assertThat(rest).containsExactlyElementsOf(expected.tailSet(ceiling, false));
    }

    private TreeSet<Long> randomSet() {
        TreeSet<Long> set = new TreeSet<>();
        int size = random.nextInt(200);
        int bound = 1 + random.nextInt(1000);
        for (int i = 0; i < size; i++) {
            set.add((long) random.nextInt(bound));
        }
        return set;
    }

    private static List<Postings> postings(List<TreeSet<Long>> sets) {
        return sets.stream().map((Function<TreeSet<Long>, Postings>) TestPostings::of).toList();
    }

    private static Postings of(TreeSet<Long> set) {
        return Postings.of(toArray(set));
    }

    private static long[] toArray(TreeSet<Long> set) {
        return set.stream().mapToLong(Long::longValue).toArray();
    }
}
