package mimir.kv.etcd;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.testing.AbstractTestKvStore;

/** The KV store contract against a real etcd: one server for the class, emptied before every client. */
class TestEtcdKvStore extends AbstractTestKvStore {
    @TempDir
    static Path dir;
    private static EtcdServer server;

    @BeforeAll
    static void startEtcd() throws Exception {
        server = EtcdServer.start(dir);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        server.close();
    }

    @Override
    protected KvClient<Counters> newClient(KvCodec<Counters> codec) throws Exception {
        try (EtcdConnection connection = TestingEtcd.connection(server)) {
            TestingEtcd.deleteAll(connection);
        }
        return TestingEtcd.open(server, codec);
    }
}
