package mimir.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import mimir.tsdb.testing.TestingGoldenData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestBlockMeta {
    @Test
    void goldenMetaParsesAndIsRewrittenByteForByte() throws IOException {
        Path block = TestingGoldenData.blocks().resolve("01M83V3SFWP9TDPEJZ9631H164");
        BlockMeta meta = BlockMeta.read(block);
        assertThat(meta.ulid().toString()).isEqualTo("01M83V3SFWP9TDPEJZ9631H164");
        assertThat(meta.minTime()).isEqualTo(1700000000000L);
        assertThat(meta.maxTime()).isEqualTo(1700006360001L);
        assertThat(meta.stats()).isEqualTo(new BlockMeta.Stats(317, 3, 5, 0));
        assertThat(meta.compaction()).isEqualTo(BlockMeta.Compaction.levelOne(meta.ulid()));
        assertThat(meta.toJson()).isEqualTo(Files.readString(block.resolve("meta.json"), StandardCharsets.UTF_8));
    }

    @Test
    void unknownFieldsSurviveARoundTrip(@TempDir Path dir) throws IOException {
        String json = """
                {"ulid":"01M83V3SGJBGG9KGACJGQEQMM8","minTime":10,"maxTime":20,
                 "stats":{"numSamples":6,"numFloatSamples":6},
                 "compaction":{"level":2,"sources":["01M83V3SFWP9TDPEJZ9631H164","01M83V3SGJBGG9KGACJGQEQMM8"],
                   "parents":[{"ulid":"01M83V3SFWP9TDPEJZ9631H164","minTime":10,"maxTime":15}],"hints":["from-out-of-order"],"future":1.5e3},
                 "version":1,
                 "thanos":{"labels":{"__org_id__":"tenant-1"},"downsample":{"resolution":0},"source":"compactor",
                   "files":[{"rel_path":"chunks/000001","size_bytes":41},{"rel_path":"index"}]}}
                """;
        BlockMeta meta = BlockMeta.parse(json);
        assertThat(meta.compaction().level()).isEqualTo(2);
        assertThat(meta.compaction().parents()).containsExactly(new BlockMeta.BlockDesc(Ulid.parse("01M83V3SFWP9TDPEJZ9631H164"), 10, 15));
        assertThat(meta.compaction().hints()).containsExactly("from-out-of-order");
        assertThat(meta.extraFields()).containsOnlyKeys("thanos");
        meta.write(dir);
        BlockMeta reread = BlockMeta.read(dir);
        assertThat(reread).isEqualTo(meta);
        assertThat(reread.stats().extraFields()).containsEntry("numFloatSamples", "6");
        assertThat(reread.compaction().extraFields()).containsEntry("future", "1.5e3");
        assertThat(Files.readString(dir.resolve("meta.json"))).contains("\"__org_id__\": \"tenant-1\"").contains("\"size_bytes\": 41");
        assertThat(Files.exists(dir.resolve("meta.json.tmp"))).isFalse();
    }

    @Test
    void rejectsOtherVersionsAndMissingFields() {
        assertThatThrownBy(() -> BlockMeta.parse("{\"ulid\":\"01M83V3SGJBGG9KGACJGQEQMM8\",\"minTime\":1,\"maxTime\":2,\"compaction\":{\"level\":1},\"version\":2}"))
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> BlockMeta.parse("{\"minTime\":1,\"maxTime\":2,\"compaction\":{\"level\":1},\"version\":1}"))
                .hasMessageContaining("ulid missing");
    }

    @Test
    void ulidsRoundTripAndSortByTime() {
        Ulid golden = Ulid.parse("01M83V3SFWP9TDPEJZ9631H164");
        assertThat(golden.toString()).isEqualTo("01M83V3SFWP9TDPEJZ9631H164");
        // promtool created the golden blocks on 2026-11-23 (the ULID time is the creation time).
        assertThat(golden.timeMillis()).isBetween(1_790_000_000_000L, 1_800_000_000_000L);
        SplittableRandom random = new SplittableRandom(1);
        Ulid earlier = Ulid.generate(1_700_000_000_000L, random);
        Ulid later = Ulid.generate(1_700_000_000_001L, random);
        assertThat(earlier).isLessThan(later);
        assertThat(earlier.toString()).isLessThan(later.toString());
        assertThat(Ulid.parse(earlier.toString())).isEqualTo(earlier);
        assertThat(earlier.timeMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(List.of(Ulid.parse("01m83v3sfwp9tdpejz9631h164"))).containsExactly(golden);
        assertThatThrownBy(() -> Ulid.parse("81M83V3SFWP9TDPEJZ9631H164")).hasMessageContaining("invalid ULID");
    }
}
