package mimir.alertmanager;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.proto.alertspb.AlertConfigDesc;
import mimir.proto.alertspb.TemplateDesc;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStore.ListMode;

/**
 * The tenants' Alertmanager configurations and state in {@code alertmanager-storage}, in Mimir's
 * layout and encoding: {@code alerts/<tenant>} holds the protobuf {@code alerts.AlertConfigDesc}
 * (configuration text and template files), {@code alertmanager/<tenant>/fullstate} the silences and
 * notification log.
 */
final class AlertStore implements AutoCloseable {
    static final String CONFIGS = "alerts/";
    static final String STATE = "alertmanager/";

    /** A tenant's stored configuration: the Alertmanager YAML and template files by name. */
    record UserConfig(String config, Map<String, String> templates) {
        UserConfig {
            requireNonNull(config, "config is null");
            templates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        }
    }

    private final ObjectStore store;

    AlertStore(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    List<String> tenants() throws IOException {
        List<String> tenants = new ArrayList<>();
        store.list(CONFIGS, ListMode.DELIMITED, key -> {
            if (!key.endsWith("/")) {
                tenants.add(key.substring(CONFIGS.length()));
            }
        });
        return tenants;
    }

    Optional<UserConfig> config(String tenant) throws IOException {
        Optional<byte[]> bytes = read(CONFIGS + tenant);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            AlertConfigDesc desc = AlertConfigDesc.parseFrom(bytes.get());
            Map<String, String> templates = new LinkedHashMap<>();
            for (TemplateDesc template : desc.getTemplatesList()) {
                templates.put(template.getFilename(), template.getBody());
            }
            return Optional.of(new UserConfig(desc.getRawConfig(), templates));
        }
        catch (InvalidProtocolBufferException e) {
            throw new IOException("failed to deserialize alertmanager config for user " + tenant + ": " + e.getMessage(), e);
        }
    }

    void putConfig(String tenant, UserConfig config) throws IOException {
        AlertConfigDesc.Builder desc = AlertConfigDesc.newBuilder().setUser(tenant).setRawConfig(config.config());
        config.templates().forEach((name, body) -> desc.addTemplates(TemplateDesc.newBuilder().setFilename(name).setBody(body)));
        store.put(CONFIGS + tenant, desc.build().toByteArray());
    }

    void deleteConfig(String tenant) throws IOException {
        store.delete(CONFIGS + tenant);
    }

    Optional<byte[]> state(String tenant) throws IOException {
        return read(STATE + tenant + "/fullstate");
    }

    void putState(String tenant, byte[] state) throws IOException {
        store.put(STATE + tenant + "/fullstate", state);
    }

    void deleteState(String tenant) throws IOException {
        store.delete(STATE + tenant + "/fullstate");
    }

    private Optional<byte[]> read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return Optional.of(in.readAllBytes());
        }
        catch (NoSuchObjectException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
