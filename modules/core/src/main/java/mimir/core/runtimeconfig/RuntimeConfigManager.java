package mimir.core.runtimeconfig;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

import mimir.core.config.ConfigException;
import mimir.core.config.YamlWriter;
import mimir.spi.Overrides;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.limits.InvalidLimitException;
import mimir.spi.limits.Limits;

/**
 * Mimir's runtime config (dskit's {@code runtimeconfig.Manager} with Mimir's loader): the files of
 * {@code -runtime-config.file}, merged left to right, reloaded every
 * {@code -runtime-config.reload-period}, and the per-tenant limit overrides they hold.
 *
 * <p>Merging follows dskit: mappings merge key by key at every depth, so a later file overrides single
 * limits of a tenant and keeps the others; anything else in a later file replaces the earlier value;
 * a key that is a mapping in one file and not in another is an error. Files ending in {@code .gz} are
 * gunzipped. Each file must hold one YAML document with only the top-level keys {@code overrides},
 * {@code multi_kv_config}, {@code ingester_limits} and {@code distributor_limits}; tenant IDs follow
 * Mimir's rules and each tenant's limits are checked against the configured defaults.
 *
 * <p>{@link #start} fails if the files do not load, so the process refuses to start. Afterwards a
 * reload that fails keeps the previous values, logs the error and sets
 * {@code cortex_runtime_config_last_reload_successful} to 0; files whose bytes did not change are not
 * parsed again. Change listeners run on the reload thread after each reload that changed the
 * overrides.
 *
 * <p>Reads are lock-free: the loaded state is one immutable snapshot swapped atomically.
 */
public final class RuntimeConfigManager implements Overrides {
    /** {@code -runtime-config.file}. */
    public static final Setting<List<String>> FILE = Setting.basic("runtime-config.file", "runtime_config.file", ValueTypes.STRING_LIST, List.of(),
            "Comma separated list of yaml files with the configuration that can be updated at runtime. Runtime config files will be merged "
                    + "from left to right.");
    /** {@code -runtime-config.reload-period}. */
    public static final Setting<Duration> RELOAD_PERIOD = Setting.advanced("runtime-config.reload-period", "runtime_config.period",
            ValueTypes.DURATION, Duration.ofSeconds(10), "How often to check runtime config files.");

    /** The {@code config} label of the metrics, as Mimir names its runtime config manager. */
    static final String CONFIG_NAME = "mimir-runtime-config";
    static final String LAST_RELOAD_SUCCESSFUL_METRIC = "cortex_runtime_config_last_reload_successful";
    static final String HASH_METRIC = "cortex_runtime_config_hash";
    /** Not in dskit: a counter makes failed reloads visible in rate() alerts even when the next one succeeds. */
    static final String RELOAD_FAILURES_METRIC = "cortex_runtime_config_reload_failures";
    static final String THREAD_NAME = "runtime-config-reload";

    private static final System.Logger LOG = System.getLogger(RuntimeConfigManager.class.getName());

    private final MeterRegistry meterRegistry;
    private final Clock clock;
    private final Limits defaults;
    private final List<String> files;
    private final Duration reloadPeriod;
    private final AtomicInteger lastReloadSuccessful = new AtomicInteger();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private volatile Snapshot snapshot;

    // Guarded by this.
    private List<byte[]> loadedBytes;
    private Gauge hashGauge;
    private final Counter reloadFailures;
    private ScheduledExecutorService executor;

    /**
     * @param config   the loaded configuration, holding {@link #FILE} and {@link #RELOAD_PERIOD}
     * @param defaults the configured limits defaults ({@code Limits.fromConfig(config)}) that tenant
     *                 overrides apply to
     */
    public RuntimeConfigManager(MeterRegistry meterRegistry, ConfigValues config, Clock clock, Limits defaults) {
        this.meterRegistry = requireNonNull(meterRegistry, "meterRegistry is null");
        requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.defaults = requireNonNull(defaults, "defaults is null");
        this.files = List.copyOf(config.get(FILE));
        this.reloadPeriod = config.get(RELOAD_PERIOD);
        if (!reloadPeriod.isPositive()) {
            throw new ConfigException("invalid value for -" + RELOAD_PERIOD.flag() + ": must be positive, got " + ValueTypes.DURATION.format(reloadPeriod));
        }
        this.snapshot = Snapshot.empty();
        // Mimir only creates the manager, and so these metrics, when a file is configured.
        if (!files.isEmpty()) {
            Gauge.builder(LAST_RELOAD_SUCCESSFUL_METRIC, lastReloadSuccessful, AtomicInteger::get)
                    .description("Whether the last runtime-config reload attempt was successful.")
                    .tag("config", CONFIG_NAME)
                    .register(meterRegistry);
            reloadFailures = Counter.builder(RELOAD_FAILURES_METRIC)
                    .description("Runtime-config reloads that failed; the previous values stayed in force.")
                    .tag("config", CONFIG_NAME)
                    .register(meterRegistry);
        }
        else {
            reloadFailures = null;
        }
    }

    /** Registers {@link #FILE} and {@link #RELOAD_PERIOD}. */
    public static void registerSettings(ConfigRegistry registry) {
        registry.register(FILE);
        registry.register(RELOAD_PERIOD);
    }

    /**
     * Loads the files and starts reloading them every period on a daemon thread. Does nothing when no
     * file is configured.
     *
     * @throws ConfigException naming the file and line if the files do not load
     */
    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("runtime config manager already started");
        }
        if (files.isEmpty()) {
            LOG.log(Level.INFO, "runtime config disabled: file not specified");
            return;
        }
        try {
            load();
        }
        catch (ConfigException e) {
            throw new ConfigException("failed to load runtime config: " + e.getMessage(), e);
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        long periodNanos = reloadPeriod.toNanos();
        executor.scheduleWithFixedDelay(this::reload, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops reloading; the last loaded values stay readable. */
    public void stop() throws InterruptedException {
        ScheduledExecutorService running;
        synchronized (this) {
            running = executor;
        }
        if (running == null) {
            return;
        }
        running.shutdownNow();
        if (!running.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.log(Level.WARNING, "runtime config reload thread did not stop within 10s");
        }
    }

    /**
     * One reload, as the reload thread runs it: on failure keeps the previous values, logs and marks
     * the reload failed. Tests call it directly instead of waiting for the period.
     *
     * @return true if the files loaded
     */
    boolean reload() {
        try {
            load();
            return true;
        }
        catch (ConfigException e) {
            countFailure();
            String file = e instanceof FileFailure failure ? failure.file : String.join(",", files);
            LOG.log(Level.ERROR, "failed to load runtime config file=" + logValue(file) + " err=" + logValue(e.getMessage()));
            return false;
        }
        catch (RuntimeException e) {
            // Anything else must not end the scheduled task, or reloading would silently stop.
            lastReloadSuccessful.set(0);
            countFailure();
            LOG.log(Level.ERROR, "failed to load runtime config file=" + logValue(String.join(",", files)) + " err=" + logValue(String.valueOf(e)), e);
            return false;
        }
    }

    private void countFailure() {
        if (reloadFailures != null) {
            reloadFailures.increment();
        }
    }

    private synchronized void load() {
        Snapshot previous = snapshot;
        Snapshot next;
        try {
            List<byte[]> contents = new ArrayList<>(files.size());
            for (String file : files) {
                contents.add(FileFailure.naming(file, () -> read(file)));
            }
            if (loadedBytes != null && sameContents(loadedBytes, contents)) {
                lastReloadSuccessful.set(1);
                return;
            }
            next = parse(contents);
            loadedBytes = contents;
        }
        catch (ConfigException e) {
            lastReloadSuccessful.set(0);
            throw e;
        }
        snapshot = next;
        lastReloadSuccessful.set(1);
        updateHashGauge(previous.hash(), next.hash());
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "runtime config loaded tenants=" + next.tenants().size() + " sha256=" + next.hash());
        }
        if (!next.tenants().equals(previous.tenants())) {
            for (Runnable listener : listeners) {
                try {
                    listener.run();
                }
                catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "runtime config change listener failed err=" + logValue(String.valueOf(e)), e);
                }
            }
        }
    }

    private Snapshot parse(List<byte[]> contents) {
        List<RuntimeConfigFile> parsed = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            String source = "runtime config file " + files.get(i);
            String text = new String(contents.get(i), StandardCharsets.UTF_8);
            parsed.add(FileFailure.naming(files.get(i), () -> RuntimeConfigFile.parse(text, source, defaults)));
        }

        Map<String, Object> merged = new LinkedHashMap<>();
        for (int i = 0; i < parsed.size(); i++) {
            Map<String, Object> earlier = merged;
            RuntimeConfigFile file = parsed.get(i);
            merged = FileFailure.naming(files.get(i), () -> merge(earlier, file.tree(), "", file.source()));
        }

        Map<String, Limits> tenants = new TreeMap<>();
        if (merged.get(RuntimeConfigFile.OVERRIDES) instanceof Map<?, ?> overrides) {
            for (Map.Entry<?, ?> entry : overrides.entrySet()) {
                String tenant = (String) entry.getKey();
                if (!(entry.getValue() instanceof Map<?, ?> limits)) {
                    continue;
                }
                try {
                    tenants.put(tenant, defaults.withOverrides(stringKeys(limits)));
                }
                catch (InvalidLimitException e) {
                    // Only a rule between limits set in different files can fail here.
                    throw mergedError(parsed, tenant, e);
                }
            }
        }
        return new Snapshot(
                Collections.unmodifiableMap(tenants),
                section(merged, "multi_kv_config"),
                section(merged, "ingester_limits"),
                section(merged, "distributor_limits"),
                sha256(YamlWriter.write(sortedMap(merged))),
                clock.instant());
    }

    private byte[] read(String file) {
        String source = "runtime config file " + file;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        }
        catch (NoSuchFileException e) {
            throw new ConfigException(source + ": no such file", e);
        }
        catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
        }
        boolean gzipped = bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (!file.endsWith(".gz")) {
            if (gzipped) {
                throw new ConfigException(source + ": file looks gzipped but doesn't have a .gz extension");
            }
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new ConfigException(source + ": cannot gunzip: " + e.getMessage(), e);
        }
    }

    private static boolean sameContents(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** dskit's merge: mappings merge recursively, anything else is replaced; mapping against non-mapping is an error. */
    private static Map<String, Object> merge(Map<String, Object> earlier, Map<String, Object> later, String path, String laterSource) {
        Map<String, Object> out = new LinkedHashMap<>(earlier);
        for (Map.Entry<String, Object> entry : later.entrySet()) {
            String key = entry.getKey();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            Object before = earlier.get(key);
            Object after = entry.getValue();
            boolean beforeIsMap = before instanceof Map<?, ?>;
            boolean afterIsMap = after instanceof Map<?, ?>;
            if (earlier.containsKey(key) && beforeIsMap != afterIsMap) {
                throw new ConfigException(laterSource + ": conflicting types for " + keyPath + " with an earlier runtime config file");
            }
            if (beforeIsMap && afterIsMap) {
                out.put(key, merge(stringKeys((Map<?, ?>) before), stringKeys((Map<?, ?>) after), keyPath, laterSource));
            }
            else {
                out.put(key, after);
            }
        }
        return out;
    }

    private ConfigException mergedError(List<RuntimeConfigFile> parsed, String tenant, InvalidLimitException e) {
        List<String> path = List.of(RuntimeConfigFile.OVERRIDES, tenant, e.yamlName());
        for (int i = parsed.size() - 1; i >= 0; i--) {
            Integer line = parsed.get(i).line(path);
            if (line != null) {
                return new FileFailure(files.get(i), parsed.get(i).source() + ": line " + line + ": overrides." + tenant + ": " + e.getMessage(), e);
            }
        }
        return new ConfigException("runtime config files: overrides." + tenant + ": " + e.getMessage(), e);
    }

    private static Map<String, Object> section(Map<String, Object> merged, String key) {
        return merged.get(key) instanceof Map<?, ?> map ? Collections.unmodifiableMap(stringKeys(map)) : null;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** A deep copy with every mapping's keys sorted, so the hash does not depend on key order. */
    private static Map<String, Object> sortedMap(Map<?, ?> map) {
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), sortedCopy(v)));
        return sorted;
    }

    private static Object sortedCopy(Object node) {
        if (node instanceof Map<?, ?> map) {
            return sortedMap(map);
        }
        if (node instanceof List<?> list) {
            return list.stream().map(RuntimeConfigManager::sortedCopy).toList();
        }
        return node;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private void updateHashGauge(String previousHash, String hash) {
        if (hashGauge != null && hash.equals(previousHash)) {
            return;
        }
        if (hashGauge != null) {
            meterRegistry.remove(hashGauge);
        }
        hashGauge = Gauge.builder(HASH_METRIC, () -> 1)
                .description("Hash of the currently active runtime configuration, merged from all configured files.")
                .tag("config", CONFIG_NAME)
                .tag("sha256", hash)
                .register(meterRegistry);
    }

    private static String logValue(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=' || c == '\n')) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    @Override
    public Limits defaults() {
        return defaults;
    }

    @Override
    public Limits forTenant(String tenant) {
        return snapshot.tenants().getOrDefault(requireNonNull(tenant, "tenant is null"), defaults);
    }

    /** {@inheritDoc} Sorted by tenant ID. */
    @Override
    public Map<String, Limits> tenantOverrides() {
        return snapshot.tenants();
    }

    @Override
    public void addChangeListener(Runnable listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    /** The {@code multi_kv_config} section as loaded (strings, lists, maps), or empty. */
    public Map<String, Object> multiKvConfig() {
        return orEmpty(snapshot.multiKvConfig());
    }

    /** The {@code ingester_limits} section as loaded (strings, lists, maps), or empty. */
    public Map<String, Object> ingesterLimits() {
        return orEmpty(snapshot.ingesterLimits());
    }

    /** The {@code distributor_limits} section as loaded (strings, lists, maps), or empty. */
    public Map<String, Object> distributorLimits() {
        return orEmpty(snapshot.distributorLimits());
    }

    /** When the current values were loaded, or empty before the first successful load. */
    public Optional<Instant> lastSuccessfulLoad() {
        return Optional.ofNullable(snapshot.loadedAt());
    }

    /**
     * The body of {@code /runtime_config}, as Mimir serves it. By default the whole effective runtime
     * config: every tenant of {@code overrides} with all its limits (overridden or inherited from the
     * defaults), then the other sections as loaded. With {@code diffOnly} ({@code ?mode=diff}) only the
     * limits that differ from the defaults, leaving out tenants and sections with no difference.
     * Without a configured file, the text Mimir prints: {@code runtime config file doesn't exist}.
     */
    public String renderYaml(boolean diffOnly) {
        Snapshot current = snapshot;
        if (files.isEmpty() || current.loadedAt() == null) {
            return "runtime config file doesn't exist";
        }
        Map<String, Object> defaultValues = defaults.toYamlMap();
        Map<String, Object> overrides = new LinkedHashMap<>();
        current.tenants().forEach((tenant, limits) -> {
            Map<String, Object> values = limits.toYamlMap();
            if (diffOnly) {
                values.entrySet().removeIf(e -> e.getValue().equals(defaultValues.get(e.getKey())));
                if (values.isEmpty()) {
                    return;
                }
            }
            overrides.put(tenant, values);
        });
        Map<String, Object> tree = new LinkedHashMap<>();
        if (!diffOnly || !overrides.isEmpty()) {
            tree.put(RuntimeConfigFile.OVERRIDES, overrides);
        }
        putSection(tree, "multi_kv_config", current.multiKvConfig(), diffOnly);
        putSection(tree, "ingester_limits", current.ingesterLimits(), diffOnly);
        putSection(tree, "distributor_limits", current.distributorLimits(), diffOnly);
        return YamlWriter.write(tree);
    }

    private static void putSection(Map<String, Object> tree, String key, Map<String, Object> section, boolean diffOnly) {
        if (section != null && !(diffOnly && section.isEmpty())) {
            tree.put(key, section);
        }
    }

    private static Map<String, Object> orEmpty(Map<String, Object> section) {
        return section == null ? Map.of() : section;
    }

    /** A load failure caused by one file, so that the log can name it. */
    private static final class FileFailure extends ConfigException {
        private static final long serialVersionUID = 1L;

        private final String file;

        FileFailure(String file, String message, Throwable cause) {
            super(message, cause);
            this.file = file;
        }

        static <T> T naming(String file, Supplier<T> step) {
            try {
                return step.get();
            }
            catch (FileFailure e) {
                throw e;
            }
            catch (ConfigException e) {
                throw new FileFailure(file, e.getMessage(), e);
            }
        }
    }

    /** Everything one successful load produced; replaced as a whole. */
    private record Snapshot(
            Map<String, Limits> tenants,
            Map<String, Object> multiKvConfig,
            Map<String, Object> ingesterLimits,
            Map<String, Object> distributorLimits,
            String hash,
            Instant loadedAt) {
        static Snapshot empty() {
            return new Snapshot(Map.of(), null, null, null, "", null);
        }
    }
}
