package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpRoutes;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.spi.kv.KvStoreProvider;

/**
 * {@code -<scope>.store=memberlist}, Mimir's default KV store: every process holds the whole store
 * and gossips changes to the others, which merge them with the codec's CRDT merge (dskit's memberlist
 * KV). One gossip node serves every client of this provider, whatever their scope or codec (keys are
 * one namespace, kept apart by the scopes' prefixes as in Mimir): it starts with the first
 * {@link #open} and stops, leaving the cluster, when the last client is closed. The node reads the
 * {@code -memberlist.*} settings and registers its metrics in the registry of the first {@code open};
 * later calls share that node.
 */
public final class MemberlistKvStoreProvider implements KvStoreProvider {
    private MemberlistNode node;
    private MemberlistMetrics metrics;
    private MeterRegistry metricsRegistry;
    private int clients;

    @Override
    public String name() {
        return "memberlist";
    }

    @Override
    public List<Setting<?>> settings() {
        return MemberlistConfig.SETTINGS;
    }

    /**
     * @throws IllegalArgumentException if a {@code -memberlist.*} setting is invalid; the message names the flag
     * @throws IOException if the gossip port cannot be bound, or joining the cluster failed and
     *         {@code -memberlist.abort-if-join-fails} is set
     */
    @Override
    public synchronized <T> KvClient<T> open(KvScope scope, KvCodec<T> codec, ConfigValues values, MeterRegistry meters) throws IOException {
        requireNonNull(scope, "scope is null");
        requireNonNull(codec, "codec is null");
        requireNonNull(values, "values is null");
        requireNonNull(meters, "meters is null");
        if (node == null) {
            MemberlistConfig config = MemberlistConfig.from(values);
            if (metrics == null || metricsRegistry != meters) {
                metrics = new MemberlistMetrics(meters);
                metricsRegistry = meters;
            }
            MemberlistNode started = new MemberlistNode(config, metrics);
            // Registered before joining, so that the join's push-pull already brings this codec's values.
            started.store().register(codec);
            try {
                started.start();
            }
            catch (IOException | RuntimeException e) {
                started.close();
                throw e;
            }
            node = started;
            metrics.attach(started);
        }
        else {
            node.registerCodec(codec);
        }
        clients++;
        MemberlistNode owner = node;
        return new MemberlistKvClient<>(owner, codec, metrics, () -> release(owner));
    }

    /** {@code GET /memberlist}: this node, its members and the KV store's keys. */
    @Override
    public void registerPages(HttpRoutes routes) {
        new MemberlistPage(this::node).register(routes);
    }

    /** The running node, or null: for tests in this module. */
    synchronized MemberlistNode node() {
        return node;
    }

    private synchronized void release(MemberlistNode owner) {
        if (owner != node) {
            return;
        }
        clients--;
        if (clients == 0) {
            node = null;
            metrics.detach();
            owner.close();
        }
    }
}
