package mimir.tsdb.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The head reuses one encoder per series across chunks: a reset encoder must write what a new one does. */
class TestXorEncoder {
    @Test
    void resetEncoderWritesTheSameBytesAsANewOne() {
        SplittableRandom random = new SplittableRandom(7);
        XorEncoder reused = new XorEncoder(4);
        for (int round = 0; round < 500; round++) {
            int count = 1 + random.nextInt(200);
            XorEncoder fresh = new XorEncoder(XorChunk.INITIAL_CAPACITY);
            long t = random.nextLong() >> 12;
            long value = random.nextLong();
            for (int i = 0; i < count; i++) {
                t += 1 + switch (random.nextInt(4)) {
                    case 0 -> 15_000;
                    case 1 -> random.nextInt(1 << 20);
                    case 2 -> random.nextLong(1L << 40);
                    default -> random.nextInt(20);
                };
                value = switch (random.nextInt(4)) {
                    case 0 -> value;
                    case 1 -> value ^ (1L << random.nextInt(64));
                    case 2 -> Double.doubleToRawLongBits(random.nextInt(1000) / 10.0);
                    default -> random.nextLong();
                };
                fresh.encode(t, value);
                reused.encode(t, value);
            }
            assertThat(reused.encodedBytes()).isEqualTo(fresh.encodedBytes());
            assertThat(reused.encodedSamples()).isEqualTo(count);
            assertThat(reused.encodedLength()).isEqualTo(fresh.encodedLength());
            if (round % 50 == 49) {
                reused.releaseEncoder();
            }
            else {
                reused.resetEncoder();
            }
            assertThat(reused.encodedBytes()).containsExactly(0, 0);
        }
    }
}
