package mimir.ingester;

import io.grpc.Context;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/**
 * An {@link IngesterClient} around another that counts the series its queriers' selects return and
 * the queriers closed. After {@link #GATE} series a select waits (up to 10 s) until the gRPC call
 * reading it is cancelled, so a test can cancel while the server still has series to send.
 */
final class TestingQueriers {
    static final int GATE = 50;

    private final AtomicInteger seriesRead = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    IngesterClient around(IngesterClient delegate) {
        return new IngesterClient() {
            @Override
            public PushResult push(String tenant, WriteBatch batch) throws IngesterException {
                return delegate.push(tenant, batch);
            }

            @Override
            public Querier querier(String tenant, long mint, long maxt) {
                return counting(delegate.querier(tenant, mint, maxt));
            }

            @Override
            public List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric) {
                return delegate.metricsMetadata(tenant, metric, limit, limitPerMetric);
            }

            @Override
            public List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets) {
                return delegate.queryExemplars(tenant, start, end, matcherSets);
            }

            @Override
            public UserStats userStats(String tenant) {
                return delegate.userStats(tenant);
            }

            @Override
            public void deleteSeries(String tenant, long start, long end, List<List<Matcher>> matcherSets) throws IOException {
                delegate.deleteSeries(tenant, start, end, matcherSets);
            }
        };
    }

    private Querier counting(Querier delegate) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, List<Matcher> matchers) {
                SeriesSet set = delegate.select(sorted, matchers);
                return new SeriesSet() {
                    @Override
                    public boolean next() {
                        if (seriesRead.get() == GATE) {
                            awaitCancelled(Context.current());
                        }
                        boolean more = set.next();
                        if (more) {
                            seriesRead.incrementAndGet();
                        }
                        return more;
                    }

                    @Override
                    public Labels labels() {
                        return set.labels();
                    }

                    @Override
                    public SampleIterator iterator() {
                        return set.iterator();
                    }
                };
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                return delegate.labelNames(matchers);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                return delegate.labelValues(name, matchers);
            }

            @Override
            public void close() {
                delegate.close();
                closed.incrementAndGet();
            }
        };
    }

    private static void awaitCancelled(Context context) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!context.isCancelled() && System.nanoTime() < deadline) {
            sleep();
        }
    }

    /** Waits (up to {@code timeoutMillis}) until {@code count} queriers are closed. */
    boolean awaitClosed(int count, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (closed.get() < count && System.nanoTime() < deadline) {
            sleep();
        }
        return closed.get() >= count;
    }

    int seriesRead() {
        return seriesRead.get();
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
