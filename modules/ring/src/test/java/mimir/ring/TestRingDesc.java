package mimir.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class TestRingDesc {
    private static InstanceDesc instance(String id, long heartbeat, InstanceState state) {
        return new InstanceDesc(id, id + ":9095", heartbeat, state, new int[] {1, 5, -3}, "zone-a", 100, false, 0);
    }

    @Test
    void protobufRoundTripKeepsEveryField() throws IOException {
        RingDesc desc = RingDesc.EMPTY.with(new InstanceDesc("i-1", "10.1.2.3:9095", 1234, InstanceState.LEAVING, new int[] {7, -1, 3}, "z", 1000, true, 1200));
        RingDesc back = RingDesc.CODEC.decode(RingDesc.CODEC.encode(desc));
        assertThat(back).isEqualTo(desc);
        // Tokens come back sorted as unsigned values (-1 is 0xffffffff, the largest).
        assertThat(back.get("i-1").tokens()).containsExactly(3, 7, -1);
    }

    @Test
    void garbageIsAnIOException() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RingDesc.CODEC.decode(new byte[] {(byte) 0xff, 1, 2}))
                .isInstanceOf(IOException.class).hasMessageContaining("not a ring record");
    }

    @Test
    void mergeKeepsNewerHeartbeatAndLeftWinsTies() {
        RingDesc a = RingDesc.EMPTY.with(instance("x", 10, InstanceState.ACTIVE)).with(instance("y", 20, InstanceState.ACTIVE));
        RingDesc b = RingDesc.EMPTY.with(instance("x", 11, InstanceState.LEAVING)).with(instance("y", 20, InstanceState.LEFT))
                .with(instance("z", 5, InstanceState.JOINING));
        RingDesc ab = a.merge(b);
        RingDesc ba = b.merge(a);
        assertThat(ab).isEqualTo(ba);
        assertThat(ab.get("x").state()).isEqualTo(InstanceState.LEAVING);
        assertThat(ab.get("y").state()).isEqualTo(InstanceState.LEFT);
        assertThat(ab.get("z")).isNotNull();
        assertThat(ab.merge(b)).isSameAs(ab);
        assertThat(ab.merge(a)).isSameAs(ab);
        assertThat(RingDesc.CODEC.merge(null, a)).isSameAs(a);
    }

    @Test
    void oldTombstonesAreDropped() {
        RingDesc desc = RingDesc.EMPTY.with(instance("gone", 10, InstanceState.LEFT)).with(instance("recent", 100, InstanceState.LEFT))
                .with(instance("old-but-alive", 10, InstanceState.ACTIVE));
        RingDesc cleaned = desc.withoutTombstonesOlderThan(50);
        assertThat(cleaned.instances()).containsOnlyKeys("recent", "old-but-alive");
        assertThat(cleaned.withoutTombstonesOlderThan(50)).isSameAs(cleaned);
    }
}
