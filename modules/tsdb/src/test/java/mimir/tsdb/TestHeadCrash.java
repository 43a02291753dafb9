package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import mimir.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that appends with fsync on (SIGKILL, at random moments) and checks that reopening
 * recovers at least every sample whose commit returned, and exactly a prefix of the commits.
 */
class TestHeadCrash {
    private static final int ROUNDS = 3;

    @Test
    void everyAcknowledgedSampleSurvivesAKill(@TempDir Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        Path data = dir.resolve("data");
        long previouslyAcked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path stderr = dir.resolve("child-" + round + ".log");
            Process child = new ProcessBuilder(javaCommand(), "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", childClassPath(),
                    TestingCrashAppender.class.getName(), data.toString())
                    .redirectError(stderr.toFile())
                    .start();
            AtomicLong acked = new AtomicLong(-1);
            AtomicLong recovered = new AtomicLong(-1);
            CountDownLatch firstAck = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("acked ")) {
                            acked.set(Long.parseLong(line.substring(6)));
                            firstAck.countDown();
                        }
                        else if (line.startsWith("recovered ")) {
                            recovered.set(Long.parseLong(line.substring(10)));
                        }
                    }
                }
                catch (IOException e) {
                    // The pipe breaks when the child is killed.
                }
                firstAck.countDown();
            });
            // A generous bound only against a hung child; the kill moment itself is random.
            firstAck.await(60, TimeUnit.SECONDS);
            Thread.sleep(50 + random.nextInt(700));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            assertThat(acked.get()).as("child acknowledged samples; its log: %s", Files.readString(stderr)).isPositive();
            assertThat(recovered.get()).as("child recovered what the last round acknowledged").isGreaterThanOrEqualTo(previouslyAcked);

            try (Head head = Head.open(data, TestingCrashAppender.options())) {
                List<String> samples = TestingHeads.samples(head, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", "crash"));
                assertThat((long) samples.size()).as("round %d", round).isGreaterThanOrEqualTo(acked.get());
                assertThat(samples).containsExactlyElementsOf(expectedPrefix(samples.size()));
                previouslyAcked = samples.size();
            }
        }
    }

    /** The dump of the first {@code count} samples of the child's sequence. */
    private static List<String> expectedPrefix(long count) {
        List<String> lines = new ArrayList<>();
        for (int series = 0; series < TestingCrashAppender.SERIES; series++) {
            for (long k = series; k < count; k += TestingCrashAppender.SERIES) {
                lines.add(TestHeadAppender.line(TestingCrashAppender.labels(k), TestingCrashAppender.timestamp(k),
                        TestingCrashAppender.value(k)));
            }
        }
        return lines;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Module path, class path and the test classes' own location, all on the child's class path. */
    private static String childClassPath() throws URISyntaxException {
        LinkedHashSet<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                for (String entry : value.split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        entries.add(entry);
                    }
                }
            }
        }
        var location = TestHeadCrash.class.getProtectionDomain().getCodeSource();
        if (location != null && "file".equals(location.getLocation().getProtocol())) {
            entries.add(Path.of(location.getLocation().toURI()).toString());
        }
        // Under a patched module the test classes sit beside target/classes.
        for (String entry : List.copyOf(entries)) {
            if (entry.endsWith(File.separator + "classes")) {
                Path testClasses = Path.of(entry).resolveSibling("test-classes");
                if (Files.isDirectory(testClasses)) {
                    entries.add(testClasses.toString());
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
