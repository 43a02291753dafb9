package mimir.tsdb;

import java.nio.file.Path;

import mimir.model.Labels;
import mimir.tsdb.wal.WalSegments;
import mimir.tsdb.wal.WalWriter;

/**
 * The child process of {@link TestHeadCrash}: opens a head with fsync after every WAL record, reports how
 * many samples it recovered, then appends sample after sample of a deterministic sequence in small
 * commits, printing {@code acked <n>} after each commit returns, until it is killed.
 */
public final class TestingCrashAppender {
    static final int SERIES = 5;
    static final int BATCH = 7;

    private TestingCrashAppender() {}

    static Labels labels(long k) {
        return Labels.of("__name__", "crash", "series", Long.toString(k % SERIES));
    }

    static long timestamp(long k) {
        return (k / SERIES) * 1000 + 1;
    }

    static double value(long k) {
        return k;
    }

    static HeadOptions options() {
        return HeadOptions.defaults().withWal(new WalWriter.Options(8 * WalSegments.PAGE_SIZE, true, true));
    }

    public static void main(String[] args) throws Exception {
        Head head = Head.open(Path.of(args[0]), options());
        long k = TestingHeads.samples(head).size();
        System.out.println("recovered " + k);
        System.out.flush();
        while (true) {
            HeadAppender appender = head.appender();
            for (int i = 0; i < BATCH; i++, k++) {
                appender.append(labels(k), timestamp(k), value(k));
            }
            appender.commit();
            System.out.println("acked " + k);
            System.out.flush();
        }
    }
}
