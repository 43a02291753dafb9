package mimir.tsdb.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import mimir.tsdb.testing.TestingGoldenData;
import org.junit.jupiter.api.Test;

class TestXorChunk {
    private static final long STALE_NAN = 0x7ff0000000000002L;

    @Test
    void randomSamplesRoundTripThroughEveryTimestampBucketAndValueCase() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 200; round++) {
            int count = 1 + random.nextInt(300);
            long[] timestamps = new long[count];
            long[] values = new long[count];
            long t = random.nextLong() >> 8;
            long delta = random.nextInt(100_000);
            for (int i = 0; i < count; i++) {
                // Delta-of-delta buckets: 0, 14, 17, 20 bits and the 64-bit escape, including their edges.
                long dod = switch (random.nextInt(9)) {
                    case 0 -> 0;
                    case 1 -> random.nextLong(-8191, 8193);
                    case 2 -> random.nextBoolean() ? 8192 : -8191;
                    case 3 -> random.nextBoolean() ? 8193 : -8192;
                    case 4 -> random.nextLong(-65535, 65537);
                    case 5 -> random.nextBoolean() ? 524288 : -524288;
                    case 6 -> random.nextLong(-524287, 524289);
                    case 7 -> random.nextLong(-(1L << 40), 1L << 40);
                    default -> random.nextBoolean() ? 65536 : -65535;
                };
                delta += dod;
                t += delta;
                timestamps[i] = t;
                values[i] = switch (random.nextInt(8)) {
                    case 0 -> i > 0 ? values[i - 1] : 0;
                    case 1 -> Double.doubleToRawLongBits(random.nextInt(1000));
                    case 2 -> Double.doubleToRawLongBits(random.nextDouble() * 1e12);
                    case 3 -> random.nextLong();
                    case 4 -> i > 0 ? values[i - 1] ^ (1L << random.nextInt(64)) : 1;
                    case 5 -> STALE_NAN;
                    case 6 -> Double.doubleToRawLongBits(random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                    default -> random.nextBoolean() ? Double.doubleToRawLongBits(Double.NaN) : 0x8000000000000000L;
                };
            }
            XorChunk chunk = new XorChunk();
            XorAppender appender = chunk.appender();
            for (int i = 0; i < count; i++) {
                appender.appendBits(timestamps[i], values[i]);
            }
            assertDecodes(chunk.bytes(), timestamps, values);
        }
    }

    @Test
    void specialFloatsAreBitExact() {
        long[] values = {STALE_NAN, 0x7ff8000000000001L, Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
                Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), 0x8000000000000000L, 0, 1, STALE_NAN, STALE_NAN,
                Double.doubleToRawLongBits(Double.MAX_VALUE), Double.doubleToRawLongBits(Double.MIN_VALUE)};
        long[] timestamps = new long[values.length];
        XorChunk chunk = new XorChunk();
        XorAppender appender = chunk.appender();
        for (int i = 0; i < values.length; i++) {
            timestamps[i] = -5000 + 15_000L * i;
            appender.appendBits(timestamps[i], values[i]);
        }
        assertDecodes(chunk.bytes(), timestamps, values);
    }

    @Test
    void reopenedChunkContinuesAfterTheLastBit() {
        long[] timestamps = new long[50];
        long[] values = new long[50];
        XorChunk chunk = new XorChunk();
        XorAppender appender = chunk.appender();
        for (int i = 0; i < 50; i++) {
            timestamps[i] = 1000L * i + (i % 3);
            values[i] = Double.doubleToRawLongBits(i * 0.1);
            if (i == 20) {
                chunk = new XorChunk(chunk.bytes());
                appender = chunk.appender();
            }
            appender.appendBits(timestamps[i], values[i]);
        }
        assertDecodes(chunk.bytes(), timestamps, values);
    }

    @Test
    void truncatedChunkReportsFailureInsteadOfGarbage() {
        XorChunk chunk = new XorChunk();
        XorAppender appender = chunk.appender();
        for (int i = 0; i < 10; i++) {
            appender.append(i * 1000L, Math.PI * i);
        }
        byte[] bytes = chunk.bytes();
        XorIterator iterator = new XorIterator().reset(MemorySegment.ofArray(Arrays.copyOf(bytes, bytes.length - 4)));
        int seen = 0;
        while (iterator.next()) {
            seen++;
        }
        assertThat(seen).isLessThan(10);
        assertThat(iterator.failure()).isNotNull().hasMessageContaining("ends inside sample");
    }

    @Test
    void encodesTheGoldenTempChunkByteForByte() throws IOException {
        // Second golden block: one XOR chunk at offset 8 of chunks/000001: len 27, encoding 1, data, CRC.
        byte[] file = Files.readAllBytes(TestingGoldenData.blocks().resolve("01M83V3SGJBGG9KGACJGQEQMM8/chunks/000001"));
        byte[] golden = Arrays.copyOfRange(file, 10, 10 + 27);
        XorChunk chunk = new XorChunk();
        XorAppender appender = chunk.appender();
        for (int i = 0; i < 6; i++) {
            appender.append(1700006480000L + 120_000L * i, 21.0 + 0.25 * i);
        }
        assertThat(HexFormat.of().formatHex(chunk.bytes())).isEqualTo(HexFormat.of().formatHex(golden));
    }

    private static void assertDecodes(byte[] bytes, long[] timestamps, long[] values) {
        XorIterator iterator = new XorIterator().reset(MemorySegment.ofArray(bytes));
        assertThat(iterator.numSamples()).isEqualTo(timestamps.length);
        for (int i = 0; i < timestamps.length; i++) {
            assertThat(iterator.next()).as("sample %d", i).isTrue();
            assertThat(iterator.timestamp()).as("timestamp %d", i).isEqualTo(timestamps[i]);
            assertThat(iterator.valueBits()).as("value bits %d", i).isEqualTo(values[i]);
        }
        assertThat(iterator.next()).isFalse();
        assertThat(iterator.failure()).isNull();
    }
}
