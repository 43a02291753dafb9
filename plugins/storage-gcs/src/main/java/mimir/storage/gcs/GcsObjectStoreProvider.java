package mimir.storage.gcs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
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
    record Settings(Setting<String> bucketName, Setting<String> serviceAccount) {
        List<Setting<?>> all() {
            return List.of(bucketName, serviceAccount);
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
                                    + " fetches credentials from the metadata server."));
        }
    }

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
        Settings s = settingsOf(scope);
        String bucket = values.required(s.bucketName());
        String serviceAccount = values.get(s.serviceAccount()).trim();
        if (!serviceAccount.isEmpty() && !serviceAccount.startsWith("{")) {
            throw new IllegalArgumentException("-" + s.serviceAccount().flag() + " must be the JSON of a service account key, not a path");
        }
        return GcsObjectStore.open(bucket, serviceAccount, endpointOverride, "-" + s.bucketName().flag(), "-" + s.serviceAccount().flag());
    }
}
