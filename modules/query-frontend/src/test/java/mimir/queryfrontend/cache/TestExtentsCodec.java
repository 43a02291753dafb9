package mimir.queryfrontend.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class TestExtentsCodec {
    private static final List<Extent> EXTENTS = List.of(new Extent(1_767_225_600_000L, 1_767_311_940_000L, "{\"a\":1}".getBytes(UTF_8)),
            new Extent(-5, -5, new byte[0]), new Extent(0, 300_000, new byte[200]));

    @Test
    void extentsKeyAndExpiryRoundTrip() {
        byte[] bytes = ExtentsCodec.encode("tenant-ä:up:60000", EXTENTS, 1_800_000_000_000L);
        ExtentsCodec.Entry entry = ExtentsCodec.decode(bytes).orElseThrow();
        assertThat(entry.key()).isEqualTo("tenant-ä:up:60000");
        assertThat(entry.expiresAtMillis()).isEqualTo(1_800_000_000_000L);
        assertThat(entry.extents()).hasSize(3);
        for (int i = 0; i < EXTENTS.size(); i++) {
            assertThat(entry.extents().get(i).start()).isEqualTo(EXTENTS.get(i).start());
            assertThat(entry.extents().get(i).end()).isEqualTo(EXTENTS.get(i).end());
            assertThat(entry.extents().get(i).response()).isEqualTo(EXTENTS.get(i).response());
        }
        // Version, expiry, key and per extent start, length and body length: 17 + 7 + 1 + 3 * ~12 bytes of framing.
        assertThat(bytes.length - 207).isLessThan(70);
    }

    @Test
    void anotherVersionOrDamagedBytesAreNothing() {
        byte[] bytes = ExtentsCodec.encode("k", EXTENTS, 1);
        byte[] otherVersion = bytes.clone();
        otherVersion[0] = 2;
        assertThat(ExtentsCodec.decode(otherVersion)).isEmpty();
        for (int length : new int[] {0, 1, 9, 12, bytes.length - 1}) {
            assertThat(ExtentsCodec.decode(Arrays.copyOf(bytes, length))).as("truncated to %d", length).isEmpty();
        }
        assertThat(ExtentsCodec.decode(Arrays.copyOf(bytes, bytes.length + 1))).isEmpty();
    }
}
