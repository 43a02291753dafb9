package mimir.storage.azure;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
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
 * The ServiceLoader entry of the Azure backend: {@code -<scope>.backend=azure}, configured by Mimir's
 * {@code -<scope>.azure.*} flags (YAML {@code <scope>.azure.*}).
 */
public final class AzureObjectStoreProvider implements ObjectStoreProvider {
    static final String DEFAULT_ENDPOINT_SUFFIX = "blob.core.windows.net";

    record Settings(Setting<String> accountName, Setting<String> accountKey, Setting<String> connectionString, Setting<String> containerName,
                    Setting<String> endpointSuffix, Setting<Integer> maxRetries, Setting<String> userAssignedId, ObjectStoreHttp http) {
        List<Setting<?>> all() {
            List<Setting<?>> all = new ArrayList<>(List.of(accountName, accountKey, connectionString, containerName, endpointSuffix, maxRetries,
                    userAssignedId));
            all.addAll(http.all());
            return List.copyOf(all);
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
                            "Number of retries for recoverable errors"),
                    Setting.advanced(scope.flag("azure.user-assigned-id"), scope.yaml("azure.user_assigned_id"), ValueTypes.STRING, "",
                            "User assigned managed identity. If empty, then System assigned identity is used. This build does not support"
                                    + " managed identities (it has no Azure identity library): a non-empty value is rejected at startup; use"
                                    + " -" + scope.flag("azure.account-key") + " or -" + scope.flag("azure.connection-string") + "."),
                    ObjectStoreHttp.of(scope, "azure", "object storage", HTTP_NOTES));
        }
    }

    /** How the Netty HTTP client of the Azure SDK applies Mimir's http block. */
    static final Map<String, String> HTTP_NOTES = Map.of(
            "idle_conn_timeout", "Applied as the connection pool's maximum idle time.",
            "response_header_timeout", "Applied as the client's response timeout.",
            "expect_continue_timeout", "Validated only: the Azure client never sends Expect: 100-continue.",
            "max_idle_connections", "Validated only: the connection pool keeps released connections idle up to the idle timeout and has no"
                    + " separate idle count limit.",
            "max_idle_connections_per_host", "Validated only: the connection pool keeps released connections idle up to the idle timeout and"
                    + " has no separate idle count limit.",
            "max_connections_per_host", "Applied as the connection pool size.");

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
        String userAssignedId = values.get(s.userAssignedId()).trim();
        if (!userAssignedId.isEmpty()) {
            throw new IllegalArgumentException("-" + s.userAssignedId().flag() + " is not supported: managed identities are not supported by"
                    + " this build; set -" + s.accountKey().flag() + " or -" + s.connectionString().flag());
        }
        String connectionString = values.get(s.connectionString()).trim();
        String account = values.get(s.accountName()).trim();
        String key = values.get(s.accountKey()).trim();
        if (connectionString.isEmpty()) {
            if (account.isEmpty()) {
                throw new IllegalArgumentException("-" + s.accountName().flag() + " or -" + s.connectionString().flag() + " must be set");
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("-" + s.accountKey().flag() + " must be set: managed identities (-"
                        + s.userAssignedId().flag() + ") are not supported by this build; or set -" + s.connectionString().flag());
            }
        }
        int maxRetries = values.get(s.maxRetries());
        if (maxRetries < 0) {
            throw new IllegalArgumentException("-" + s.maxRetries().flag() + " must not be negative: " + maxRetries);
        }
        String suffix = values.get(s.endpointSuffix()).trim();
        String endpoint = connectionString.isEmpty() ? "https://" + account + "." + (suffix.isEmpty() ? DEFAULT_ENDPOINT_SUFFIX : suffix) : null;
        ObjectStoreHttp.Options http = s.http().read(values);
        return new AzureConfig(container, connectionString, account, key, endpoint, maxRetries, http,
                "-" + s.containerName().flag(), connectionString.isEmpty() ? "-" + s.accountKey().flag() : "-" + s.connectionString().flag());
    }

    /** One scope's validated configuration. */
    record AzureConfig(String container, String connectionString, String account, String key, String endpoint, int maxRetries,
                       ObjectStoreHttp.Options http, String containerFlag, String credentialFlag) {
        @Override
        public String toString() {
            return "AzureConfig[container=" + container + ", account=" + account + ", endpoint=" + endpoint + "]";
        }
    }
}
