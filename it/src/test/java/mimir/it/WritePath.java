package mimir.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The flags of a process that runs the whole write and read path on the embedded filesystem backend. */
final class WritePath {
    /** The write and read path with long-term storage: every member of {@code all} but the ruler. */
    static final String TARGET = "distributor,ingester,querier,query-frontend,query-scheduler,store-gateway,compactor";

    private WritePath() {}

    /** {@code -target}, TSDB, store-gateway sync, compactor and bucket directories under {@code dir}, plus {@code extra}. */
    static List<String> args(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("-target=" + TARGET,
                "-blocks-storage.tsdb.dir=" + dir.resolve("tsdb"),
                "-blocks-storage.bucket-store.sync-dir=" + dir.resolve("tsdb-sync"),
                "-compactor.data-dir=" + dir.resolve("compactor"),
                "-blocks-storage.backend=filesystem",
                "-blocks-storage.filesystem.dir=" + dir.resolve("bucket")));
        args.addAll(List.of(extra));
        return args;
    }
}
