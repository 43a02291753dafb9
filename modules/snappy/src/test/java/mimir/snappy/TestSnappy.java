package mimir.snappy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.airlift.compress.v3.snappy.SnappyJavaCompressor;
import io.airlift.compress.v3.snappy.SnappyJavaDecompressor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestSnappy {
    private static List<byte[]> payloads() {
        Random random = new Random(42);
        byte[] noise = new byte[100_000];
        random.nextBytes(noise);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            text.append("http_requests_total{job=\"api\",instance=\"host-").append(i % 37).append(":9090\"} ").append(i * 7).append('\n');
        }
        byte[] zeros = new byte[200_000];
        byte[] run = new byte[70];
        Arrays.fill(run, (byte) 'a');
        return List.of(new byte[0], new byte[] {1}, "abcd".getBytes(StandardCharsets.UTF_8), run, noise, zeros,
                text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsAndCompressesRepetitiveData() throws SnappyException {
        int[] table = Snappy.newTable();
        for (byte[] payload : payloads()) {
            byte[] compressed = new byte[Snappy.maxCompressedLength(payload.length)];
            int length = Snappy.compress(payload, 0, payload.length, compressed, 0, table);
            assertThat(Snappy.uncompressedLength(compressed, 0, length)).isEqualTo(payload.length);
            assertThat(Snappy.decompress(compressed, 0, length, Integer.MAX_VALUE)).isEqualTo(payload);
        }
        byte[] zeros = new byte[200_000];
        byte[] compressed = new byte[Snappy.maxCompressedLength(zeros.length)];
        assertThat(Snappy.compress(zeros, 0, zeros.length, compressed, 0, table)).isLessThan(12_000);
    }

    @Test
    void interoperatesWithAircompressor() throws SnappyException {
        SnappyJavaCompressor theirCompressor = new SnappyJavaCompressor();
        SnappyJavaDecompressor theirDecompressor = new SnappyJavaDecompressor();
        int[] table = Snappy.newTable();
        for (byte[] payload : payloads()) {
            byte[] ours = new byte[Snappy.maxCompressedLength(payload.length)];
            int oursLength = Snappy.compress(payload, 0, payload.length, ours, 0, table);
            byte[] decodedByThem = new byte[payload.length];
            assertThat(theirDecompressor.decompress(ours, 0, oursLength, decodedByThem, 0, decodedByThem.length)).isEqualTo(payload.length);
            assertThat(decodedByThem).isEqualTo(payload);

            byte[] theirs = new byte[theirCompressor.maxCompressedLength(payload.length)];
            int theirsLength = theirCompressor.compress(payload, 0, payload.length, theirs, 0, theirs.length);
            assertThat(Snappy.decompress(theirs, 0, theirsLength, Integer.MAX_VALUE)).isEqualTo(payload);
        }
    }

    @Test
    void decodesOverlappingCopies() throws SnappyException {
        // length 10, literal "ab", copy-1 of length 8 from offset 2: "ababababab"
        byte[] block = {10, 1 << 2, 'a', 'b', (byte) (1 | ((8 - 4) << 2)), 2};
        assertThat(new String(Snappy.decompress(block, 0, block.length, 100), StandardCharsets.US_ASCII)).isEqualTo("ababababab");
    }

    @Test
    void refusesAnnouncedLengthOverTheLimitBeforeDecoding() {
        // Announces 2^30 bytes in five bytes of header and nothing else.
        byte[] block = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04};
        assertThatThrownBy(() -> Snappy.decompress(block, 0, block.length, 1 << 20))
                .isInstanceOfSatisfying(SnappyTooLargeException.class, e -> {
                    assertThat(e.uncompressedLength()).isEqualTo(1L << 30);
                    assertThat(e.limit()).isEqualTo(1 << 20);
                })
                .hasMessage("snappy: uncompressed length 1073741824 exceeds the limit of 1048576 bytes");
    }

    @Test
    void rejectsCorruptBlocks() {
        List<byte[]> corrupt = List.of(
                new byte[0],                                    // no header
                new byte[] {(byte) 0x80},                       // truncated header
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f}, // > 2^31
                new byte[] {5, 4 << 2, 'a'},                    // literal runs past the input
                new byte[] {2, 1 << 2, 'a', 'b', 'c'},          // more bytes than announced
                new byte[] {4, 0, 'a', 1 | (0 << 2), 5},        // copy offset beyond the output
                new byte[] {4, 0, 'a', 2},                      // truncated copy
                new byte[] {3, 0, 'a'},                         // fewer bytes than announced
                "not snappy at all, just text".getBytes(StandardCharsets.US_ASCII));
        for (byte[] block : corrupt) {
            assertThatThrownBy(() -> Snappy.decompress(block, 0, block.length, 1 << 20))
                    .as(Arrays.toString(block))
                    .isInstanceOf(SnappyException.class)
                    .hasMessageStartingWith("snappy: ");
        }
    }
}
