package mimir.grpccommon.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.proto.prompb.Chunk;
import mimir.tsdb.chunkenc.XorAppender;
import mimir.tsdb.chunkenc.XorChunk;
import org.junit.jupiter.api.Test;

/** Reading a streamed series' XOR chunks: every sample in order, seek across chunks, corruption. */
class TestXorChunksIterator {
    private static final Labels SERIES = Labels.of("__name__", "up");

    /** Chunks of 10 samples at t = 0, 10, 20, ... with value t / 10. */
    private static List<Chunk> chunks(int count) {
        List<Chunk> chunks = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            XorChunk chunk = new XorChunk();
            XorAppender appender = chunk.appender();
            for (int i = 0; i < 10; i++) {
                long t = (c * 10L + i) * 10;
                appender.append(t, t / 10.0);
            }
            chunks.add(Chunk.newBuilder()
                    .setMinTimeMs(c * 100L)
                    .setMaxTimeMs(c * 100L + 90)
                    .setType(Chunk.Encoding.XOR)
                    .setData(ByteString.copyFrom(chunk.bytes()))
                    .build());
        }
        return chunks;
    }

    private static SampleIterator iterator(List<Chunk> chunks) {
        return new XorChunksIterator(chunks, SERIES, (message, cause) -> new IllegalStateException("ingester-1:9095: " + message, cause));
    }

    @Test
    void nextReturnsEverySampleOfEveryChunkInOrder() {
        SampleIterator it = iterator(chunks(3));
        List<Long> timestamps = new ArrayList<>();
        while (it.next()) {
            assertThat(it.value()).isEqualTo(it.timestamp() / 10.0);
            timestamps.add(it.timestamp());
        }
        assertThat(timestamps).hasSize(30).isSorted().startsWith(0L).endsWith(290L);
        assertThat(it.next()).isFalse();
        assertThat(iterator(List.of()).next()).isFalse();
    }

    @Test
    void seekSkipsChunksEndingBeforeTheTargetAndNeverMovesBack() {
        SampleIterator it = iterator(chunks(3));
        assertThat(it.seek(195)).isTrue();
        assertThat(it.timestamp()).isEqualTo(200);
        assertThat(it.seek(5)).isTrue();
        assertThat(it.timestamp()).isEqualTo(200);
        assertThat(it.next()).isTrue();
        assertThat(it.timestamp()).isEqualTo(210);
        assertThat(it.seek(290)).isTrue();
        assertThat(it.value()).isEqualTo(29);
        assertThat(it.seek(291)).isFalse();
        assertThat(it.next()).isFalse();

        SampleIterator fromStart = iterator(chunks(3));
        assertThat(fromStart.seek(Long.MIN_VALUE)).isTrue();
        assertThat(fromStart.timestamp()).isZero();
        assertThat(fromStart.seek(95)).as("the first sample of the next chunk").isTrue();
        assertThat(fromStart.timestamp()).isEqualTo(100);
    }

    @Test
    void aTruncatedChunkFailsWithTheCallersExceptionNamingTheChunkAndTheSeries() {
        List<Chunk> chunks = new ArrayList<>(chunks(2));
        byte[] bytes = chunks.get(1).getData().toByteArray();
        chunks.set(1, chunks.get(1).toBuilder().setData(ByteString.copyFrom(Arrays.copyOf(bytes, bytes.length / 2))).build());
        SampleIterator it = iterator(chunks);
        assertThatThrownBy(() -> {
            while (it.next()) {
                // Reads the good chunk, then the broken one.
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("ingester-1:9095: corrupt chunk 1 of series {__name__=\"up\"}: ");
    }
}
