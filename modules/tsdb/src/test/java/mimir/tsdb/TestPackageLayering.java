package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering rule of the storage engine, checked on the sources: the format packages
 * ({@code mimir.tsdb.<leaf>}) never import the root package {@code mimir.tsdb}, and the package
 * import graph has no cycle.
 */
class TestPackageLayering {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(mimir\\.tsdb(?:\\.[a-z]+)*)\\.[A-Z]", Pattern.MULTILINE);

    @Test
    void leavesDoNotImportTheRootAndImportsAreAcyclic() throws IOException {
        Path sources = Path.of("src/main/java/mimir/tsdb");
        assertThat(sources).as("run from modules/tsdb").isDirectory();
        Map<String, Set<String>> imports = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = "mimir." + sources.getParent().relativize(file.getParent()).toString().replace('/', '.');
                Set<String> targets = imports.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher matcher = IMPORT.matcher(Files.readString(file));
                while (matcher.find()) {
                    if (!matcher.group(1).equals(pkg)) {
                        targets.add(matcher.group(1));
                    }
                }
            }
        }
        assertThat(imports).containsKeys("mimir.tsdb", "mimir.tsdb.chunkenc", "mimir.tsdb.index", "mimir.tsdb.wal");
        List<String> violations = new ArrayList<>();
        imports.forEach((pkg, targets) -> {
            boolean leaf = !pkg.equals("mimir.tsdb") && !pkg.equals("mimir.tsdb.head");
            if (leaf && targets.contains("mimir.tsdb")) {
                violations.add(pkg + " imports the root package");
            }
        });
        for (String pkg : imports.keySet()) {
            findCycle(pkg, imports, new ArrayList<>(), violations);
        }
        assertThat(violations).isEmpty();
    }

    private static void findCycle(String pkg, Map<String, Set<String>> imports, List<String> path, List<String> violations) {
        if (path.contains(pkg)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
            cycle.add(pkg);
            String text = "import cycle: " + String.join(" -> ", cycle);
            if (!violations.contains(text) && cycle.getFirst().equals(path.getFirst())) {
                violations.add(text);
            }
            return;
        }
        path.add(pkg);
        for (String target : imports.getOrDefault(pkg, Set.of())) {
            findCycle(target, imports, path, violations);
        }
        path.removeLast();
    }
}
