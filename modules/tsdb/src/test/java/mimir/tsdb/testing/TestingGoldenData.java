package mimir.tsdb.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code shared/tsdb-golden/prometheus-2.42}: walks up from the working directory until a
 * directory has a {@code shared/tsdb-golden} child or sibling. Fails loudly when absent, because a
 * golden-data test that silently passes proves nothing.
 */
public final class TestingGoldenData {
    private TestingGoldenData() {}

    public static Path prometheus242() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/tsdb-golden"), dir.resolveSibling("shared").resolve("tsdb-golden")}) {
                Path golden = candidate.resolve("prometheus-2.42");
                if (Files.isDirectory(golden)) {
                    return golden;
                }
            }
        }
        throw new AssertionError("golden TSDB data not found: looked for shared/tsdb-golden/prometheus-2.42 in every parent of "
                + start + " and their siblings (expected e.g. /work/shared/tsdb-golden/prometheus-2.42)");
    }

    public static Path blocks() {
        return prometheus242().resolve("blocks");
    }
}
