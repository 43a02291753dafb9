package mimir.memberlist;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.spi.kv.KvScope;
import mimir.testing.AbstractTestKvStore;

/** The KV store contract against a single memberlist node: every client gets a fresh node. */
class TestMemberlistKvStore extends AbstractTestKvStore {
    @Override
    protected KvClient<Counters> newClient(KvCodec<Counters> codec) throws Exception {
        return new MemberlistKvStoreProvider().open(KvScope.INGESTER_RING, codec, TestingMemberlistNode.config("contract"), new SimpleMeterRegistry());
    }
}
