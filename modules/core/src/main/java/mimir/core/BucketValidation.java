package mimir.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import mimir.spi.config.Category;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStore.ListMode;
import mimir.spi.objstore.StorageScope;

/**
 * {@code bin/mimir -bucket-validation}: checks that a configured bucket works the way Mimir needs,
 * as {@code mimirtool bucket-validation} does, but with the process's own storage flags and YAML so
 * the exact configuration a deployment will use is what gets tested. Each run creates
 * {@code <prefix>/<NNNNN>/testfile} objects empty, overwrites them with content, checks each exists,
 * lists the directories, reads every object back, then deletes them one by one, checking after each
 * delete that the object is gone and that a listing no longer shows it. Every operation is retried
 * up to {@code -bucket-validation.retries-on-error} times.
 */
final class BucketValidation {
    private static final System.Logger LOG = System.getLogger(BucketValidation.class.getName());
    private static final byte[] CONTENT = "testData".getBytes(UTF_8);

    static final Setting<Boolean> ENABLED = flagOnly("bucket-validation", ValueTypes.BOOLEAN, false,
            "Validate that the object store bucket of -bucket-validation.storage works (upload, overwrite, exists, list, get and delete of test "
                    + "objects, like mimirtool bucket-validation) with this process's storage configuration, and exit.");
    static final Setting<String> STORAGE = flagOnly("bucket-validation.storage",
            ValueTypes.oneOf("blocks-storage", "ruler-storage", "alertmanager-storage"), "blocks-storage",
            "Which storage configuration -bucket-validation tests: blocks-storage, ruler-storage or alertmanager-storage.");
    static final Setting<Integer> OBJECT_COUNT = flagOnly("bucket-validation.object-count", ValueTypes.INT, 2000,
            "Number of objects to create and delete.");
    static final Setting<Integer> TEST_RUNS = flagOnly("bucket-validation.test-runs", ValueTypes.INT, 1,
            "Number of times to run the whole test.");
    static final Setting<Integer> REPORT_EVERY = flagOnly("bucket-validation.report-every", ValueTypes.INT, 100,
            "Log progress every this many operations.");
    static final Setting<String> PREFIX = flagOnly("bucket-validation.prefix", ValueTypes.STRING, "tenant",
            "Path prefix for the test objects in the bucket.");
    static final Setting<Integer> RETRIES = flagOnly("bucket-validation.retries-on-error", ValueTypes.INT, 3,
            "Number of attempts of each operation before the validation fails.");

    private final ObjectStore store;
    private final String prefix;
    private final int reportEvery;
    private final int attempts;
    private final List<String> dirs;

    private BucketValidation(ObjectStore store, String prefix, int objectCount, int reportEvery, int attempts) {
        this.store = requireNonNull(store, "store is null");
        this.prefix = prefix;
        this.reportEvery = reportEvery;
        this.attempts = attempts;
        this.dirs = new ArrayList<>(objectCount);
        for (int i = 0; i < objectCount; i++) {
            dirs.add(prefix + "/" + String.format(Locale.ROOT, "%05X", i) + "/");
        }
    }

    private static <T> Setting<T> flagOnly(String flag, mimir.spi.config.ValueType<T> type, T defaultValue, String help) {
        return LauncherSettings.flagOnly(flag, type, defaultValue, help, Category.ADVANCED);
    }

    static void register(ConfigRegistry registry) {
        for (Setting<?> setting : List.of(ENABLED, STORAGE, OBJECT_COUNT, TEST_RUNS, REPORT_EVERY, PREFIX, RETRIES)) {
            registry.register(setting);
        }
    }

    /** The storage scope {@code -bucket-validation.storage} names. */
    static StorageScope scope(ConfigValues config) {
        return switch (config.get(STORAGE)) {
            case "ruler-storage" -> StorageScope.RULER;
            case "alertmanager-storage" -> StorageScope.ALERTMANAGER;
            default -> StorageScope.BLOCKS;
        };
    }

    /** A problem with the tool's own flags, or null. */
    static String invalidFlags(ConfigValues config) {
        if (config.get(OBJECT_COUNT) < 1) {
            return "-" + OBJECT_COUNT.flag() + " must be at least 1";
        }
        if (config.get(TEST_RUNS) < 1) {
            return "-" + TEST_RUNS.flag() + " must be at least 1";
        }
        if (config.get(REPORT_EVERY) < 1) {
            return "-" + REPORT_EVERY.flag() + " must be at least 1";
        }
        if (config.get(RETRIES) < 1) {
            return "-" + RETRIES.flag() + " must be at least 1";
        }
        String prefix = config.get(PREFIX);
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/")) {
            return "-" + PREFIX.flag() + " must be a non-empty path without leading or trailing /";
        }
        return null;
    }

    /**
     * Runs every test run against {@code store} and prints one summary line to {@code out}.
     *
     * @throws ValidationException naming the step and object that failed
     */
    static void run(ObjectStore store, ConfigValues config, String scopeFlag, PrintStream out) throws ValidationException {
        BucketValidation validation = new BucketValidation(store, config.get(PREFIX), config.get(OBJECT_COUNT), config.get(REPORT_EVERY),
                config.get(RETRIES));
        long start = System.nanoTime();
        int runs = config.get(TEST_RUNS);
        for (int run = 1; run <= runs; run++) {
            validation.upload(new byte[0], "creating test objects");
            validation.upload(CONTENT, "overwriting test objects");
            validation.validate();
            validation.delete();
            LOG.log(Level.INFO, "testrun_successful=" + run);
        }
        out.printf(Locale.ROOT, "bucket validation passed: %s backend=%s objects=%d test_runs=%d duration=%.3fs%n", scopeFlag, store.backend(),
                validation.dirs.size(), runs, (System.nanoTime() - start) / 1e9);
    }

    private void upload(byte[] content, String phase) throws ValidationException {
        for (int i = 0; i < dirs.size(); i++) {
            report(phase, i);
            String key = dirs.get(i) + "testfile";
            retry("upload", key, () -> {
                store.put(key, content);
                return null;
            });
            if (!retry("exists", key, () -> store.exists(key))) {
                throw new ValidationException(phase + ": expected object " + key + " to exist after upload, but it did not");
            }
        }
        report(phase, dirs.size());
    }

    private void validate() throws ValidationException {
        LOG.log(Level.INFO, "phase=\"listing test objects\"");
        Set<String> found = listDirs();
        if (found.size() != dirs.size()) {
            throw new ValidationException("expected list of " + prefix + "/ to return " + dirs.size() + " directories, but it returned " + found.size());
        }
        for (int i = 0; i < dirs.size(); i++) {
            report("validating test objects", i);
            String dir = dirs.get(i);
            if (!found.contains(dir)) {
                throw new ValidationException("expected directory " + dir + " in the listing of " + prefix + "/, but it was not there");
            }
            String key = dir + "testfile";
            byte[] read = retry("get", key, () -> {
                try (InputStream in = store.get(key)) {
                    return in.readAllBytes();
                }
            });
            if (!Arrays.equals(read, CONTENT)) {
                throw new ValidationException("object " + key + " has content " + new String(read, UTF_8) + ", expected "
                        + new String(CONTENT, UTF_8) + " (the overwrite did not replace it)");
            }
        }
        report("validating test objects", dirs.size());
    }

    private void delete() throws ValidationException {
        for (int i = 0; i < dirs.size(); i++) {
            report("deleting test objects", i);
            String dir = dirs.get(i);
            String key = dir + "testfile";
            if (!retry("exists", key, () -> store.exists(key))) {
                throw new ValidationException("expected object " + key + " to exist before deleting it, but it did not");
            }
            retry("delete", key, () -> {
                store.delete(key);
                return null;
            });
            if (retry("exists", key, () -> store.exists(key))) {
                throw new ValidationException("expected object " + key + " to be gone after deleting it, but it still exists");
            }
            Set<String> found = listDirs();
            if (found.contains(dir)) {
                throw new ValidationException("the listing of " + prefix + "/ still returns " + dir + " after its only object was deleted");
            }
            int expected = dirs.size() - i - 1;
            if (found.size() != expected) {
                throw new ValidationException("expected list of " + prefix + "/ to return " + expected + " directories, but it returned " + found.size());
            }
        }
        report("deleting test objects", dirs.size());
    }

    private Set<String> listDirs() throws ValidationException {
        return retry("list", prefix + "/", () -> {
            Set<String> found = new HashSet<>();
            store.list(prefix + "/", ListMode.DELIMITED, found::add);
            return found;
        });
    }

    private void report(String phase, int completed) {
        if (completed == 0 || completed % reportEvery == 0 || completed == dirs.size()) {
            LOG.log(Level.INFO, "phase=\"" + phase + "\" completed=" + completed + " total=" + dirs.size());
        }
    }

    private interface Operation<T> {
        T call() throws IOException;
    }

    private <T> T retry(String operation, String key, Operation<T> call) throws ValidationException {
        for (int attempt = 1;; attempt++) {
            try {
                return call.call();
            }
            catch (IOException | RuntimeException e) {
                if (attempt >= attempts) {
                    throw new ValidationException(operation + " " + key + " failed after " + attempt + " attempt(s): " + e.getMessage(), e);
                }
                LOG.log(Level.WARNING, "operation=" + operation + " key=" + key + " attempt=" + attempt + " err=\"" + e.getMessage() + "\"");
            }
        }
    }

    /** The bucket does not behave as Mimir needs; the message names the step and object. */
    static final class ValidationException extends Exception {
        private static final long serialVersionUID = 1L;

        ValidationException(String message) {
            super(message);
        }

        ValidationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
