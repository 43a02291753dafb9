package mimir.alertmanager.model;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as the Alertmanager holds it. Times are milliseconds since the epoch; {@code endsAt} is
 * when the alert resolves (or resolved). Immutable: a new version replaces the old one.
 */
public record Alert(Map<String, String> labels, Map<String, String> annotations, long startsAt, long endsAt, long updatedAt, String generatorUrl,
        long fingerprint) {
    public Alert {
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        annotations = java.util.Collections.unmodifiableMap(new TreeMap<>(annotations));
        requireNonNull(generatorUrl, "generatorUrl is null");
    }

    public static Alert of(Map<String, String> labels, Map<String, String> annotations, long startsAt, long endsAt, long updatedAt, String generatorUrl) {
        return new Alert(labels, annotations, startsAt, endsAt, updatedAt, generatorUrl, fingerprint(labels));
    }

    public boolean resolvedAt(long now) {
        return endsAt != 0 && endsAt <= now;
    }

    /** The fingerprint as Alertmanager prints it: 16 hex digits. */
    public String fingerprintHex() {
        return String.format("%016x", fingerprint);
    }

    /**
     * Prometheus's label-set fingerprint (FNV-1a 64 over the sorted names and values, each followed by
     * the 0xff separator), so fingerprints equal Alertmanager's.
     */
    public static long fingerprint(Map<String, String> labels) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            hash = add(hash, label.getKey());
            hash = (hash ^ 0xff) * 0x100000001b3L;
            hash = add(hash, label.getValue());
            hash = (hash ^ 0xff) * 0x100000001b3L;
        }
        return hash;
    }

    private static long add(long hash, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    /**
     * This alert received again ({@code newer}), merged as Alertmanager merges: the earliest start, and
     * the end of the newer version unless the older one already ended later and is still the resolution.
     */
    public Alert merge(Alert newer) {
        long start = Math.min(startsAt, newer.startsAt);
        long end = newer.endsAt;
        if (newer.updatedAt < updatedAt) {
            return new Alert(labels, annotations, start, endsAt, updatedAt, generatorUrl, fingerprint);
        }
        return new Alert(newer.labels, newer.annotations, start, end, newer.updatedAt, newer.generatorUrl, fingerprint);
    }
}
