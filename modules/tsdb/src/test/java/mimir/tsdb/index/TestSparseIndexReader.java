package mimir.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mimir.model.Labels;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.encoding.ByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSparseIndexReader {
    @TempDir
    Path dir;

    private static List<Long> refs(Postings postings) throws Exception {
        List<Long> refs = new ArrayList<>();
        while (postings.next()) {
            refs.add(postings.at());
        }
        return refs;
    }

    @Test
    void answersEveryLookupLikeTheFullReader() throws Exception {
        Path index;
        try (DB db = DB.open(dir.resolve("db"), DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = db.appender();
            for (int s = 0; s < 700; s++) {
                // 700 values of "pod" (22 held entries), 3 of "job", one value of "zone" for some series.
                Labels labels = s % 5 == 0 ? Labels.of("__name__", "m", "job", "j" + (s % 3), "pod", "p-" + s, "zone", "z")
                        : Labels.of("__name__", "m", "job", "j" + (s % 3), "pod", "p-" + s);
                appender.append(labels, 1000, s);
            }
            appender.commit();
            BlockMeta meta = db.compactHeadFully().getFirst();
            index = dir.resolve("db").resolve(meta.ulid().toString()).resolve("index");
            try (IndexReader full = new IndexReader(ByteSource.map(index)); IndexReader sparse = new IndexReader(ByteSource.map(index), true)) {
                assertThat(sparse.labelNames()).isEqualTo(full.labelNames());
                List<String> probes = new ArrayList<>(List.of("", "a", "p-", "p-99999", "zz", "\uFFFF"));
                for (String name : List.of("__name__", "job", "pod", "zone", "absent", "")) {
                    assertThat(sparse.labelValues(name)).as(name).isEqualTo(full.labelValues(name));
                    probes.addAll(full.labelValues(name));
                }
                for (String name : List.of("__name__", "job", "pod", "zone", "absent")) {
                    for (String value : probes) {
                        assertThat(refs(sparse.postings(name, value))).as("%s=%s", name, value).isEqualTo(refs(full.postings(name, value)));
                        assertThat(refs(sparse.postings(name, value + "0"))).isEqualTo(refs(full.postings(name, value + "0")));
                    }
                }
                assertThat(refs(sparse.allPostings())).hasSize(700).isEqualTo(refs(full.allPostings()));
            }
        }
    }
}
