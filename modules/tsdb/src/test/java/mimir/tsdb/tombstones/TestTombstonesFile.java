package mimir.tsdb.tombstones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.testing.TestingGoldenData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestTombstonesFile {
    @Test
    void emptyFileIsByteIdenticalToPrometheus(@TempDir Path dir) throws IOException {
        Path golden = TestingGoldenData.blocks().resolve("01M83V3SFWP9TDPEJZ9631H164");
        assertThat(TombstonesFile.read(golden).isEmpty()).isTrue();
        TombstonesFile.write(dir, new Tombstones());
        assertThat(Files.readAllBytes(dir.resolve("tombstones"))).isEqualTo(Files.readAllBytes(golden.resolve("tombstones")));
    }

    @Test
    void intervalsRoundTripMergedAndSorted(@TempDir Path dir) throws IOException {
        Tombstones tombstones = new Tombstones();
        tombstones.add(7, new Interval(100, 200));
        tombstones.add(7, new Interval(300, 400));
        tombstones.add(7, new Interval(150, 250));
        tombstones.add(7, new Interval(401, 500));
        tombstones.add(3, new Interval(Long.MIN_VALUE, -5));
        tombstones.add(1L << 40, new Interval(0, Long.MAX_VALUE));
        TombstonesFile.write(dir, tombstones);
        Tombstones read = TombstonesFile.read(dir);
        assertThat(read.get(7)).containsExactly(new Interval(100, 250), new Interval(300, 500));
        assertThat(read.get(3)).containsExactly(new Interval(Long.MIN_VALUE, -5));
        assertThat(read.get(1L << 40)).containsExactly(new Interval(0, Long.MAX_VALUE));
        assertThat(read.get(8)).isEmpty();
        assertThat(read.intervalCount()).isEqualTo(4);
    }

    @Test
    void missingFileIsNoTombstonesButDamageIsAnError(@TempDir Path dir) throws IOException {
        assertThat(TombstonesFile.read(dir).isEmpty()).isTrue();
        Tombstones tombstones = new Tombstones();
        tombstones.add(1, new Interval(1, 2));
        TombstonesFile.write(dir, tombstones);
        byte[] bytes = Files.readAllBytes(dir.resolve("tombstones"));
        bytes[6] ^= 1;
        Files.write(dir.resolve("tombstones"), bytes);
        assertThatThrownBy(() -> TombstonesFile.read(dir)).isInstanceOf(CorruptionException.class).hasMessageContaining("checksum mismatch");
    }
}
