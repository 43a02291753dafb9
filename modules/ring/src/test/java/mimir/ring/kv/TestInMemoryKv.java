package mimir.ring.kv;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.testing.AbstractTestKvStore;

class TestInMemoryKv extends AbstractTestKvStore {
    @Override
    protected KvClient<Counters> newClient(KvCodec<Counters> codec) {
        return new InMemoryKv().client(codec);
    }
}
