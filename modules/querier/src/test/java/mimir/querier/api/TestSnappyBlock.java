package mimir.querier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TestSnappyBlock {
    @Test
    void decodesLiteralsAndBackReferencesOfEveryOffsetSize() {
        byte[] oneByteOffset = {12, 0x0c, 'a', 'b', 'c', 'd', 0x11, 4};
        byte[] twoByteOffset = {12, 0x0c, 'a', 'b', 'c', 'd', 0x1e, 4, 0};
        byte[] fourByteOffset = {12, 0x0c, 'a', 'b', 'c', 'd', 0x1f, 4, 0, 0, 0};
        for (byte[] block : new byte[][] {oneByteOffset, twoByteOffset, fourByteOffset}) {
            assertThat(new String(SnappyBlock.decompress(block, 100), StandardCharsets.US_ASCII)).isEqualTo("abcdabcdabcd");
        }
    }

    @Test
    void compressedBlocksRoundTrip() {
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 59, 60, 61, 255, 256, 257, 70_000, 200_000}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            assertThat(SnappyBlock.decompress(SnappyBlock.compress(data), size)).isEqualTo(data);
        }
    }

    @Test
    void refusesCorruptAndOversizedBlocks() {
        assertThatThrownBy(() -> SnappyBlock.decompress(new byte[] {12, 0x0c, 'a', 'b', 'c', 'd', 0x11, 9}, 100)).hasMessage("snappy: corrupt input");
        assertThatThrownBy(() -> SnappyBlock.decompress(new byte[] {(byte) 0x80, (byte) 0x80, 0x40}, 1000))
                .hasMessage("snappy: decoded length 1048576 exceeds the limit of 1000 bytes");
        assertThatThrownBy(() -> SnappyBlock.decompress(new byte[] {5, 0x0c, 'a'}, 100)).hasMessage("snappy: corrupt input");
    }
}
