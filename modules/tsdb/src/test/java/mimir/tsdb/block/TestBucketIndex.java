package mimir.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

class TestBucketIndex {
    @Test
    void readsMimirsFormat() {
        String json = """
                {"version":1,"blocks":[{"block_id":"01FSYD5FJ4XJ4JG8P4DS6JSS3Z","min_time":1642118400000,"max_time":1642125600000,
                "segments_format":"1b6d","segments_num":1,"uploaded_at":1642129200,"compactor_shard_id":"1_of_4","source":"compactor",
                "some_future_field":true}],
                "block_deletion_marks":[{"block_id":"01FSYD5FJ4XJ4JG8P4DS6JSS3Z","deletion_time":1642130000}],"updated_at":1642131000}
                """;
        BucketIndex index = BucketIndex.parse(json);
        BucketIndex.Entry block = index.blocks().getFirst();
        assertThat(block.id()).isEqualTo(Ulid.parse("01FSYD5FJ4XJ4JG8P4DS6JSS3Z"));
        assertThat(block.minTime()).isEqualTo(1642118400000L);
        assertThat(block.maxTime()).isEqualTo(1642125600000L);
        assertThat(block.segmentsFormat()).isEqualTo("1b6d");
        assertThat(block.segmentsNum()).isEqualTo(1);
        assertThat(block.uploadedAt()).isEqualTo(1642129200L);
        assertThat(block.compactorShardId()).isEqualTo("1_of_4");
        assertThat(block.source()).isEqualTo("compactor");
        assertThat(index.deletionMarks()).containsExactly(new BucketIndex.DeletionMark(block.id(), 1642130000L));
        assertThat(index.updatedAt()).isEqualTo(1642131000L);
        assertThat(block.overlapsClosed(1642125600000L, 1642125600001L)).isFalse();
        assertThat(block.overlapsClosed(1642125599999L, 1642125600001L)).isTrue();
    }

    @Test
    void roundTripsThroughGzip() throws IOException {
        BucketIndex index = new BucketIndex(List.of(new BucketIndex.Entry(Ulid.generate(), 0, 7_200_000, "", 0, 5, "", "", 0),
                new BucketIndex.Entry(Ulid.generate(), 7_200_000, 14_400_000, "1b6d", 2, 6, "2_of_2", "ingester", 3)),
                List.of(new BucketIndex.DeletionMark(Ulid.generate(), 99)), 1234);
        assertThat(BucketIndex.fromGzip(index.toGzip())).isEqualTo(index);
        assertThat(index.toJson()).doesNotContain("segments_format\": \"\"").contains("\"compactor_shard_id\": \"2_of_2\"");
    }

    @Test
    void rejectsOtherVersionsAndGarbage() {
        assertThatThrownBy(() -> BucketIndex.parse("{\"version\":2,\"blocks\":[]}")).hasMessageContaining("unsupported version 2");
        assertThatThrownBy(() -> BucketIndex.readGzip(new ByteArrayInputStream("not gzip".getBytes()))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> BucketIndex.parse("{\"version\":1,\"blocks\":[{\"min_time\":1}]}")).hasMessageContaining("block_id missing");
    }
}
