package mimir.promql.parser;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared} (the Prometheus conformance data) from the project root or any folder below it. */
public final class TestingSharedFiles {
    private TestingSharedFiles() {}

    /** The {@code shared} folder next to the project root; fails (never skips) when it is missing. */
    public static Path sharedDir() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (dir.getParent() != null && Files.isDirectory(candidate.resolve("promqltest"))) {
                return candidate;
            }
        }
        throw new AssertionError("conformance data not found: no sibling 'shared/promqltest' of " + start
                + " or of any parent folder (expected e.g. /work/shared/promqltest next to the project root)");
    }

    public static Path promqltestDir() {
        return sharedDir().resolve("promqltest");
    }

    public static Path headIndex() {
        return sharedDir().resolve("promqltest-index").resolve("head.tsv");
    }
}
