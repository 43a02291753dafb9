package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

import mimir.model.Matcher;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.block.Ulid;

/**
 * A store-gateway's view of some of a tenant's blocks within a time range, opened by
 * {@link StoreGatewayClient#querier}: the three calls of Mimir's {@code StoreGateway} service, each of
 * which answers from the blocks the store-gateway holds and names the requested ones it did not query
 * (not synced yet, no longer owned, deleted, or failing to open). A call that fails altogether (the
 * store-gateway is unreachable, or failed) throws; see {@link StoreGatewayRpcException}.
 *
 * <p>Not thread-safe: one caller at a time, like {@link mimir.model.storage.Querier}.
 */
public interface BlocksQuerier extends AutoCloseable {
    /**
     * The series matching every matcher with their samples in the range, in ascending label order.
     * The series set stays valid until the querier is closed.
     */
    Answer<SeriesSet> select(List<Matcher> matchers);

    /** Label names of the series matching the matchers (all series if none), sorted by UTF-8 bytes. */
    Answer<List<String>> labelNames(List<Matcher> matchers);

    /** Values of a label among the series matching the matchers, sorted by UTF-8 bytes. */
    Answer<List<String>> labelValues(String name, List<Matcher> matchers);

    @Override
    void close();

    /**
     * One call's answer.
     *
     * @param value      what the queried blocks hold
     * @param notQueried the requested blocks the answer does not cover
     */
    record Answer<T>(T value, Set<Ulid> notQueried) {
        public Answer {
            requireNonNull(value, "value is null");
            notQueried = Set.copyOf(notQueried);
        }
    }
}
