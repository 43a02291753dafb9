package mimir.storage.gcs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreHttp;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;

/**
 * The ServiceLoader entry of the Google Cloud Storage backend: {@code -<scope>.backend=gcs}, configured
 * by Mimir's {@code -<scope>.gcs.*} flags. The plugin is classpath-style (no module-info): the GCS
 * client's dependencies split packages, so its folder holds a {@code CLASSPATH} marker and the core
 * loads it into one class loader. The endpoint can be pointed at an emulator with the Google client's
 * usual environment variable {@code STORAGE_EMULATOR_HOST} (no credentials are sent then).
 */
public final class GcsObjectStoreProvider implements ObjectStoreProvider {
    record Settings(Setting<String> bucketName, Setting<String> serviceAccount, Setting<Boolean> enableUploadRetries, Setting<Integer> maxRetries,
                    RateLimitSettings upload, RateLimitSettings read, ObjectStoreHttp http) {
        List<Setting<?>> all() {
            List<Setting<?>> all = new ArrayList<>(List.of(bucketName, serviceAccount, enableUploadRetries, maxRetries));
            all.addAll(upload.all());
            all.addAll(read.all());
            all.addAll(http.all());
            return List.copyOf(all);
        }

        static Settings of(StorageScope scope) {
            return new Settings(
                    Setting.basic(scope.flag("gcs.bucket-name"), scope.yaml("gcs.bucket_name"), ValueTypes.STRING, "", "GCS bucket name"),
                    Setting.basic(scope.flag("gcs.service-account"), scope.yaml("gcs.service_account"), ValueTypes.STRING, "",
                            "JSON either from a Google Developers Console client_credentials.json file, or a Google Developers service account key."
                                    + " Needs to be valid JSON, not a filesystem path. If empty, fallback to Google default logic: 1. A JSON file whose"
                                    + " path is specified by the GOOGLE_APPLICATION_CREDENTIALS environment variable. For workload identity federation,"
                                    + " refer to https://cloud.google.com/iam/docs/how-to#using-workload-identity-federation on how to generate the JSON"
                                    + " configuration file for on-prem/non-Google cloud platforms. 2. A JSON file in a location known to the gcloud"
                                    + " command-line tool: $HOME/.config/gcloud/application_default_credentials.json. 3. On Google Compute Engine it"
                                    + " fetches credentials from the metadata server."),
                    Setting.advanced(scope.flag("gcs.enable-upload-retries"), scope.yaml("gcs.enable_upload_retries"), ValueTypes.BOOLEAN, false,
                            "Enable automatic retries for GCS uploads using the RetryAlways policy. Uploads will be retried on transient errors."
                                    + " Note: this does not guarantee idempotency."),
                    Setting.advanced(scope.flag("gcs.max-retries"), scope.yaml("gcs.max_retries"), ValueTypes.INT, 20,
                            "Maximum number of attempts for GCS operations (0 = unlimited, 1 = no retries). Applies to both regular and upload"
                                    + " retry modes."),
                    RateLimitSettings.of(scope, "upload", "uploads", 1000, 3200),
                    RateLimitSettings.of(scope, "read", "reads", 5000, 16000),
                    ObjectStoreHttp.of(scope, "gcs", "object storage", HTTP_NOTES));
        }
    }

    /** How the Apache HTTP client under the Google client applies Mimir's http block. */
    static final Map<String, String> HTTP_NOTES = Map.of(
            "idle_conn_timeout", "Applied as the connection pool's maximum idle time.",
            "response_header_timeout", "Applied as the socket read timeout, which also bounds each wait for response body data. 0 means no limit.",
            "expect_continue_timeout", "Validated only: the GCS client never sends Expect: 100-continue.",
            "max_idle_connections", "Validated only: the client keeps released connections idle up to the idle timeout and has no separate"
                    + " idle count limit.",
            "max_idle_connections_per_host", "Validated only: the client keeps released connections idle up to the idle timeout and has no"
                    + " separate idle count limit.",
            "max_connections_per_host", "Applied as the connection pool size.");

    private final ConcurrentMap<StorageScope, Settings> settings = new ConcurrentHashMap<>();
    private final String endpointOverride;

    public GcsObjectStoreProvider() {
        this(System.getenv("STORAGE_EMULATOR_HOST"));
    }

    /** For tests: talk to {@code endpointOverride} (e.g. {@code http://127.0.0.1:4443}) without credentials. */
    GcsObjectStoreProvider(String endpointOverride) {
        this.endpointOverride = endpointOverride == null || endpointOverride.isBlank() ? null
                : endpointOverride.contains("://") ? endpointOverride : "http://" + endpointOverride;
    }

    @Override
    public String name() {
        return "gcs";
    }

    @Override
    public List<Setting<?>> settings(StorageScope scope) {
        return settingsOf(scope).all();
    }

    Settings settingsOf(StorageScope scope) {
        requireNonNull(scope, "scope is null");
        return settings.computeIfAbsent(scope, Settings::of);
    }

    @Override
    public ObjectStore open(StorageScope scope, ConfigValues values) throws IOException {
        requireNonNull(values, "values is null");
        return GcsObjectStore.open(config(settingsOf(scope), values, endpointOverride));
    }

    /** Reads and validates one scope's settings, naming the flag in every error. */
    static GcsConfig config(Settings s, ConfigValues values, String endpointOverride) {
        String bucket = values.required(s.bucketName());
        String serviceAccount = values.get(s.serviceAccount()).trim();
        if (!serviceAccount.isEmpty() && !serviceAccount.startsWith("{")) {
            throw new IllegalArgumentException("-" + s.serviceAccount().flag() + " must be the JSON of a service account key, not a path");
        }
        int maxRetries = values.get(s.maxRetries());
        if (maxRetries < 0) {
            throw new IllegalArgumentException("-" + s.maxRetries().flag() + " must not be negative: " + maxRetries);
        }
        RateLimit upload = s.upload().read(values);
        RateLimit read = s.read().read(values);
        return new GcsConfig(bucket, serviceAccount, endpointOverride, values.get(s.enableUploadRetries()), maxRetries, upload, read,
                s.http().read(values), "-" + s.bucketName().flag(), "-" + s.serviceAccount().flag());
    }

    /** The four settings of one direction's ramping rate limit ({@code upload} or {@code read}). */
    record RateLimitSettings(Setting<Boolean> enabled, Setting<Integer> initialQps, Setting<Integer> maxQps, Setting<Duration> rampPeriod) {
        static RateLimitSettings of(StorageScope scope, String direction, String plural, int initialQps, int maxQps) {
            return new RateLimitSettings(
                    Setting.advanced(scope.flag("gcs." + direction + "-rate-limit-enabled"), scope.yaml("gcs." + direction + "_rate_limit_enabled"),
                            ValueTypes.BOOLEAN, false, "Enable rate limiting for GCS " + plural + ". When enabled, " + plural
                                    + " gradually ramp up following Google Cloud Storage best practices."),
                    Setting.advanced(scope.flag("gcs." + direction + "-initial-qps"), scope.yaml("gcs." + direction + "_initial_qps"), ValueTypes.INT,
                            initialQps, "Initial queries per second limit for GCS " + plural
                                    + ". The rate doubles every ramp period until it reaches the maximum."),
                    Setting.advanced(scope.flag("gcs." + direction + "-max-qps"), scope.yaml("gcs." + direction + "_max_qps"), ValueTypes.INT, maxQps,
                            "Maximum queries per second limit for GCS " + plural + "."),
                    Setting.advanced(scope.flag("gcs." + direction + "-ramp-period"), scope.yaml("gcs." + direction + "_ramp_period"),
                            ValueTypes.DURATION, Duration.ofMinutes(20),
                            "Time period over which the " + direction + " rate doubles, following the Google recommendation."));
        }

        List<Setting<?>> all() {
            return List.of(enabled, initialQps, maxQps, rampPeriod);
        }

        /** The limit, validated as Mimir does when it is enabled; null when disabled. */
        RateLimit read(ConfigValues values) {
            if (!values.get(enabled)) {
                return null;
            }
            for (Setting<Integer> qps : List.of(initialQps, maxQps)) {
                if (values.get(qps) <= 0) {
                    throw new IllegalArgumentException("-" + qps.flag() + " must be greater than 0 when rate limiting is enabled (-" + enabled.flag() + ")");
                }
            }
            if (values.get(rampPeriod).isNegative() || values.get(rampPeriod).isZero()) {
                throw new IllegalArgumentException("-" + rampPeriod.flag() + " must be greater than 0 when rate limiting is enabled (-" + enabled.flag() + ")");
            }
            return new RateLimit(values.get(initialQps), values.get(maxQps), values.get(rampPeriod));
        }
    }

    /** A ramping rate limit: {@code initialQps}, doubled every {@code rampPeriod} up to {@code maxQps}. */
    record RateLimit(int initialQps, int maxQps, Duration rampPeriod) {}

    /** One scope's validated configuration; {@code uploadLimit} and {@code readLimit} are null when disabled. */
    record GcsConfig(String bucket, String serviceAccount, String endpoint, boolean uploadRetries, int maxRetries, RateLimit uploadLimit,
                     RateLimit readLimit, ObjectStoreHttp.Options http, String bucketFlag, String credentialsFlag) {
        @Override
        public String toString() {  // never print the service account
            return "GcsConfig[bucket=" + bucket + ", endpoint=" + endpoint + ", maxRetries=" + maxRetries + "]";
        }
    }
}
