package mimir.tsdb.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class TestEncoding {
    @Test
    void varintsMatchGoEncodingAndRoundTrip() throws Exception {
        Encoder encoder = new Encoder();
        encoder.uvarint(300).varint(-1).varint(1).uvarint(-1L);
        // Go: PutUvarint(300) = ac 02; PutVarint(-1) = 01; PutVarint(1) = 02; max uint64 = 9×ff 01.
        assertThat(encoder.toByteArray()).containsExactly(0xac, 0x02, 0x01, 0x02,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);

        SplittableRandom random = new SplittableRandom(7);
        long[] values = new long[1000];
        encoder.reset();
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextLong() >> random.nextInt(64);
            encoder.varint(values[i]).uvarint(values[i]).be64(values[i]).be32((int) values[i]);
        }
        Decoder decoder = new Decoder(encoder.toByteArray());
        for (long value : values) {
            assertThat(decoder.varint()).isEqualTo(value);
            assertThat(decoder.uvarint()).isEqualTo(value);
            assertThat(decoder.be64()).isEqualTo(value);
            assertThat(decoder.be32()).isEqualTo((int) value);
        }
        assertThat(decoder.remaining()).isZero();
    }

    @Test
    void stringsAreUtf8WithUvarintLength() throws Exception {
        byte[] bytes = new Encoder().uvarintString("küche").toByteArray();
        assertThat(bytes[0]).isEqualTo((byte) 6);
        assertThat(new Decoder(bytes).uvarintString()).isEqualTo("küche");
    }

    @Test
    void truncatedInputIsCorruptionNamingThePosition() {
        assertThatThrownBy(() -> new Decoder(new byte[] {(byte) 0x80}).uvarint())
                .isInstanceOf(CorruptionException.class).hasMessageContaining("position 1");
        assertThatThrownBy(() -> new Decoder(new byte[3]).be32())
                .isInstanceOf(CorruptionException.class).hasMessageContaining("need 4 bytes");
        assertThatThrownBy(() -> new Decoder(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 2}).uvarint())
                .hasMessageContaining("overflows");
    }

    @Test
    void crcIsCastagnoli() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc32c.of(check, 0, check.length)).isEqualTo(0xE3069283);
    }
}
