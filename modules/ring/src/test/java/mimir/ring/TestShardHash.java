package mimir.ring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestShardHash {
    @Test
    void aBlockHashesAsMimirsHashBlockIdOverTheUlidsSixteenBytes() {
        // ULID 01ARZ3NDEKTSV4RRFFQ69G5FAV is the bytes 01563e3ab5d3d676 4c61efb99302bd5b; FNV-1a 32 of them is 0xf44fc680.
        assertThat(ShardHash.block(0x01563e3ab5d3d676L, 0x4c61efb99302bd5bL)).isEqualTo(0xf44fc680);
        // FNV-1a 32 of sixteen zero bytes.
        assertThat(ShardHash.block(0, 0)).isEqualTo(0x69691905);
    }
}
