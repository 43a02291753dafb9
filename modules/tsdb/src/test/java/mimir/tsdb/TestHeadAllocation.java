package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import org.junit.jupiter.api.Test;

/**
 * Appending to an existing series by ref, and iterating samples, allocate nothing per sample. Measured
 * with the JVM's per-thread allocation counter (reached reflectively: this module does not read
 * {@code java.management}); the bound is far below one object per sample, so it is not a timing test.
 */
class TestHeadAllocation {
    private static final int SAMPLES = 20_000;

    @Test
    void appendByRefAndIterationAllocateNothingPerSample() throws Exception {
        AllocationCounter counter = AllocationCounter.create();
        assumeTrue(counter != null, "per-thread allocation counter unavailable");
        Head head = Head.inMemory(HeadOptions.defaults());
        HeadAppender appender = head.appender();
        long ref = appender.append(Labels.of("__name__", "up"), 0, 0);
        long t = 1;
        // Warm up (JIT, batch arrays at full size), then measure the same work.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < SAMPLES; i++) {
                appender.append(ref, t++, i);
            }
            appender.rollback();
        }
        long before = counter.allocatedBytes();
        for (int i = 0; i < SAMPLES; i++) {
            appender.append(ref, t++, i);
        }
        long appendBytes = counter.allocatedBytes() - before;
        appender.commit();
        assertThat(appendBytes).as("bytes allocated by %d appends by ref", SAMPLES).isLessThan(SAMPLES);

        try (HeadQuerier querier = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = querier.select(false, List.of(Matcher.equal("__name__", "up")));
            assertThat(set.next()).isTrue();
            double sum = 0;
            for (int round = 0; round < 3; round++) {
                SampleIterator warm = set.iterator();
                while (warm.next()) {
                    sum += warm.value();
                }
            }
            SampleIterator iterator = set.iterator();
            before = counter.allocatedBytes();
            int count = 0;
            while (iterator.next()) {
                sum += iterator.value();
                count++;
            }
            long iterateBytes = counter.allocatedBytes() - before;
            assertThat(count).as("the first batch was rolled back").isEqualTo(SAMPLES);
            // One heap segment wrapper per chunk (about 170 chunks) is allowed, not one object per sample.
            assertThat(iterateBytes).as("bytes allocated iterating %d samples (sum %s)", count, sum).isLessThan(SAMPLES);
        }
    }

    /** {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, reflectively. */
    private record AllocationCounter(Object bean, Method method) {
        static AllocationCounter create() {
            try {
                Module self = TestHeadAllocation.class.getModule();
                ModuleLayer.boot().findModule("java.management").ifPresent(self::addReads);
                ModuleLayer.boot().findModule("jdk.management").ifPresent(self::addReads);
                Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
                Method method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
                AllocationCounter counter = new AllocationCounter(bean, method);
                counter.allocatedBytes();
                return counter;
            }
            catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        long allocatedBytes() {
            try {
                return (long) method.invoke(bean);
            }
            catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
