package mimir.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import mimir.ingester.IngesterProvider;
import mimir.ingester.client.IngesterClient;
import mimir.ring.IngesterRing;
import mimir.ring.SingleInstanceRing;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.model.storage.Querier;
import mimir.promql.parser.TestingSharedFiles;
import mimir.promql.promqltest.ClearCommand;
import mimir.promql.promqltest.Command;
import mimir.promql.promqltest.EvalCommand;
import mimir.promql.promqltest.LoadCommand;
import mimir.promql.promqltest.PromqlConformanceRunner;
import mimir.promql.promqltest.PromqlTestFile;
import mimir.promql.promqltest.PromqlTestReader;
import mimir.promql.promqltest.SequenceValue;
import mimir.querier.storage.IngesterQuerySource;
import mimir.querier.storage.QuerierStorage;
import mimir.querier.storage.QueryLimiter;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.storage.filesystem.FilesystemObjectStore;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's PromQL test files through the real path: every load is pushed into an ingester's TSDB
 * (head, WAL, through {@link IngesterClient#push}), every eval reads through the querier's storage
 * ({@link QuerierStorage} over the {@link IngesterQuerySource}), with the same runner and checks as the
 * engine's own conformance test over its in-memory storage. Every eval that passes there must pass here;
 * evals in a section that loads native histograms are not compared (the ingester stores floats only).
 */
class TestPromqlConformanceThroughIngester {
    @TempDir
    Path dir;

    @Test
    void evalsThatPassInMemoryPassThroughTheIngesterAndQuerier() throws Exception {
        IngesterClient ingester = startIngester();
        QuerierStorage storage = new QuerierStorage(List.of(new IngesterQuerySource(() -> ingester, new mimir.testing.TestingOverrides(
                Limits.defaults().withOverrides(Map.of("query_ingesters_within", "0s"))), java.time.Clock.systemUTC())),
                new mimir.testing.TestingOverrides(Limits.defaults()), java.time.Clock.systemUTC());
        PromqlConformanceRunner runner = new PromqlConformanceRunner();
        List<Path> files;
        try (Stream<Path> list = Files.list(TestingSharedFiles.promqltestDir())) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".test")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        int compared = 0;
        int passed = 0;
        List<String> regressions = new ArrayList<>();
        IngesterStorage throughIngester = new IngesterStorage(ingester, storage);
        for (Path file : files) {
            PromqlTestFile test = PromqlTestReader.read(file);
            Map<String, String> inMemory = runner.run(test, PromqlConformanceRunner.inMemory());
            Map<String, String> real = runner.run(test, throughIngester);
            Set<String> floatOnly = floatOnlyEvals(test);
            for (Map.Entry<String, String> outcome : inMemory.entrySet()) {
                if (outcome.getValue() != null || !floatOnly.contains(outcome.getKey())) {
                    continue;
                }
                compared++;
                String failure = real.get(outcome.getKey());
                if (failure == null) {
                    passed++;
                }
                else {
                    regressions.add(outcome.getKey() + ": " + failure);
                }
            }
        }
        System.out.println("promqltest through ingester and querier: " + passed + " passed, " + regressions.size() + " failed of " + compared
                + " evals that pass in memory over float data");
        assertThat(throughIngester.pushErrors).as("loads refused by the ingester").isEmpty();
        assertThat(compared).isGreaterThan(700);
        assertThat(regressions).isEmpty();
    }

    /** Evals whose section (since the last clear) loads no native histogram. */
    private static Set<String> floatOnlyEvals(PromqlTestFile test) {
        Set<String> evals = new HashSet<>();
        boolean histograms = false;
        for (Command command : test.commands()) {
            switch (command) {
                case ClearCommand clear -> histograms = false;
                case LoadCommand load -> histograms |= load.series().stream()
                        .anyMatch(s -> s.values().stream().anyMatch(v -> v.kind() == SequenceValue.Kind.HISTOGRAM));
                case EvalCommand eval -> {
                    if (!histograms) {
                        evals.add(eval.location());
                    }
                }
            }
        }
        return evals;
    }

    @SuppressWarnings("unchecked")
    private IngesterClient startIngester() throws Exception {
        IngesterProvider provider = new IngesterProvider();
        List<Setting<?>> registered = new ArrayList<>();
        provider.registerConfig(new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                registered.add(setting);
                return setting;
            }
        });
        TestingConfigValues config = TestingConfigValues.defaults(registered);
        for (Setting<?> setting : registered) {
            switch (setting.flag()) {
                case "blocks-storage.tsdb.dir" -> config = config.with((Setting<String>) setting, dir.resolve("tsdb").toString());
                // Only the test's loads move the head; no background compaction or shipping meanwhile.
                // Prometheus's test storage uses 24h blocks, so a head holding hours of data still takes older loads.
                case "blocks-storage.tsdb.block-ranges-period" -> config = config.with((Setting<List<String>>) setting, List.of("24h"));
                case "blocks-storage.tsdb.head-compaction-interval" -> config = config.with((Setting<Duration>) setting, Duration.ofMinutes(15));
                case "blocks-storage.tsdb.ship-interval" -> config = config.with((Setting<Duration>) setting, Duration.ofHours(24));
                default -> {
                }
            }
        }
        FilesystemObjectStore bucket = new FilesystemObjectStore(Files.createDirectories(dir.resolve("bucket")));
        TestingCoreServices core = new TestingCoreServices(config, bucket, Limits.defaults(), Instant.now(), Set.of("ingester", "querier"));
        core.testingLocalInstances().register(IngesterRing.class, SingleInstanceRing.of("conformance", core.clock()));
        List<Service> services = provider.create(core, config);
        for (Service service : services) {
            service.start(cause -> {
                throw new AssertionError(cause);
            });
        }
        return core.localInstances().find(IngesterClient.class).orElseThrow();
    }

    /** Each load is one push of a fresh tenant's batch; {@code clear} moves on to a new tenant. */
    private static final class IngesterStorage implements PromqlConformanceRunner.Storage {
        private final IngesterClient ingester;
        private final QuerierStorage storage;
        private final Map<Labels, List<double[]>> pending = new LinkedHashMap<>();
        private final List<String> pushErrors = new ArrayList<>();
        private int tenants;

        IngesterStorage(IngesterClient ingester, QuerierStorage storage) {
            this.ingester = ingester;
            this.storage = storage;
        }

        private String tenant() {
            return "promqltest-" + tenants;
        }

        @Override
        public void append(Labels labels, long timestamp, double value) {
            List<double[]> samples = pending.computeIfAbsent(labels, k -> new ArrayList<>());
            if (!samples.isEmpty() && samples.getLast()[0] >= timestamp) {
                // The series is described again in the same load: as in Prometheus's harness, the later line replaces it.
                samples.clear();
            }
            samples.add(new double[] {timestamp, value});
        }

        @Override
        public void appendHistogram(Labels labels, long timestamp) {
            // Not stored: evals of such sections are not compared.
        }

        @Override
        public void commit() {
            WriteBatch batch = new WriteBatch();
            pending.forEach((labels, samples) -> {
                batch.addSeries(labels);
                for (double[] sample : samples) {
                    batch.addSample((long) sample[0], sample[1]);
                }
            });
            pending.clear();
            try {
                PushResult result = ingester.push(tenant(), batch);
                result.firstError().ifPresent(error -> pushErrors.add(tenant() + ": " + error.message()));
            }
            catch (Exception e) {
                pushErrors.add(tenant() + ": " + e);
            }
        }

        @Override
        public void clear() {
            pending.clear();
            tenants++;
        }

        @Override
        public Querier querier(long mint, long maxt) {
            return storage.queryable(List.of(tenant()), QueryLimiter.unlimited(), false).querier(mint, maxt);
        }
    }
}
