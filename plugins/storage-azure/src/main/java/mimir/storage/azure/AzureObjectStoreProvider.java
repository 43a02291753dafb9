package mimir.storage.azure;

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
 * The ServiceLoader entry of the Azure backend: {@code -<scope>.backend=azure}, configured by Mimir's
 * {@code -<scope>.azure.*} flags (YAML {@code <scope>.azure.*}).
 */
public final class AzureObjectStoreProvider implements ObjectStoreProvider {
    static final String DEFAULT_ENDPOINT_SUFFIX = "blob.core.windows.net";

    record Settings(Setting<String> accountName, Setting<String> accountKey, Setting<String> connectionString, Setting<String> containerName,
                    Setting<String> endpointSuffix, Setting<Integer> maxRetries) {
        List<Setting<?>> all() {
            return List.of(accountName, accountKey, connectionString, containerName, endpointSuffix, maxRetries);
        }

        static Settings of(StorageScope scope) {
            return new Settings(
                    Setting.basic(scope.flag("azure.account-name"), scope.yaml("azure.account_name"), ValueTypes.STRING, "",
                            "Azure storage account name"),
                    Setting.basic(scope.flag("azure.account-key"), scope.yaml("azure.account_key"), ValueTypes.STRING, "",
                            "Azure storage account key. If unset, Azure managed identities will be used for authentication instead."),
                    Setting.basic(scope.flag("azure.connection-string"), scope.yaml("azure.connection_string"), ValueTypes.STRING, "",
                            "If `connection-string` is set, the value of `endpoint-suffix` will not be used. Use this method over `account-key`"
                                    + " if you need to authenticate via a SAS token. Or if you use the Azurite emulator."),
                    Setting.basic(scope.flag("azure.container-name"), scope.yaml("azure.container_name"), ValueTypes.STRING, "",
                            "Azure storage container name"),
                    Setting.basic(scope.flag("azure.endpoint-suffix"), scope.yaml("azure.endpoint_suffix"), ValueTypes.STRING, "",
                            "Azure storage endpoint suffix without schema. The account name will be prefixed to this value to create the FQDN."
                                    + " If set to empty string, default endpoint suffix is used."),
                    Setting.advanced(scope.flag("azure.max-retries"), scope.yaml("azure.max_retries"), ValueTypes.INT, 20,
                            "Number of retries for recoverable errors"));
        }
    }

    private final ConcurrentMap<StorageScope, Settings> settings = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "azure";
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
        return AzureObjectStore.open(config(settingsOf(scope), values));
    }

    static AzureConfig config(Settings s, ConfigValues values) {
        String container = values.required(s.containerName());
        String connectionString = values.get(s.connectionString()).trim();
        String account = values.get(s.accountName()).trim();
        String key = values.get(s.accountKey()).trim();
        if (connectionString.isEmpty()) {
            if (account.isEmpty()) {
                throw new IllegalArgumentException("-" + s.accountName().flag() + " or -" + s.connectionString().flag() + " must be set");
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("-" + s.accountKey().flag() + " must be set: managed identities (-"
                        + s.accountKey().flag().replace("account-key", "user-assigned-id") + ") are not supported by this build;"
                        + " or set -" + s.connectionString().flag());
            }
        }
        int maxRetries = values.get(s.maxRetries());
        if (maxRetries < 0) {
            throw new IllegalArgumentException("-" + s.maxRetries().flag() + " must not be negative: " + maxRetries);
        }
        String suffix = values.get(s.endpointSuffix()).trim();
        String endpoint = connectionString.isEmpty() ? "https://" + account + "." + (suffix.isEmpty() ? DEFAULT_ENDPOINT_SUFFIX : suffix) : null;
        return new AzureConfig(container, connectionString, account, key, endpoint, maxRetries,
                "-" + s.containerName().flag(), connectionString.isEmpty() ? "-" + s.accountKey().flag() : "-" + s.connectionString().flag());
    }

    /** One scope's validated configuration. */
    record AzureConfig(String container, String connectionString, String account, String key, String endpoint, int maxRetries,
                       String containerFlag, String credentialFlag) {
        @Override
        public String toString() {
            return "AzureConfig[container=" + container + ", account=" + account + ", endpoint=" + endpoint + "]";
        }
    }
}
