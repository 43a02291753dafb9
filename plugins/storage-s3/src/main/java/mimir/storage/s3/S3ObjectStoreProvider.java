package mimir.storage.s3;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;

/**
 * The ServiceLoader entry of the S3 backend: {@code -<scope>.backend=s3}, configured by Mimir's
 * {@code -<scope>.s3.*} flags (YAML {@code <scope>.s3.*}), with Mimir's names, defaults and help.
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
    static final List<String> STORAGE_CLASSES = List.of("STANDARD", "REDUCED_REDUNDANCY", "GLACIER", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE");

    /** The settings of one scope, identity-compared by ConfigValues, so created once per scope. */
    record Settings(Setting<String> endpoint, Setting<String> region, Setting<String> bucketName, Setting<String> secretAccessKey,
                    Setting<String> sessionToken, Setting<String> accessKeyId, Setting<Boolean> insecure, Setting<String> bucketLookupType,
                    Setting<String> storageClass, Setting<String> sseType, Setting<String> sseKmsKeyId, Setting<String> sseKmsEncryptionContext) {
        List<Setting<?>> all() {
            return List.of(endpoint, region, bucketName, secretAccessKey, sessionToken, accessKeyId, insecure, bucketLookupType,
                    storageClass, sseType, sseKmsKeyId, sseKmsEncryptionContext);
        }

        static Settings of(StorageScope scope) {
            return new Settings(
                    Setting.basic(scope.flag("s3.endpoint"), scope.yaml("s3.endpoint"), ValueTypes.STRING, "",
                            "The S3 bucket endpoint. It could be an AWS S3 endpoint listed at https://docs.aws.amazon.com/general/latest/gr/s3.html"
                                    + " or the address of an S3-compatible service in hostname:port format."),
                    Setting.basic(scope.flag("s3.region"), scope.yaml("s3.region"), ValueTypes.STRING, "",
                            "S3 region. If unset, the client will issue a S3 GetBucketLocation API call to autodetect it."),
                    Setting.basic(scope.flag("s3.bucket-name"), scope.yaml("s3.bucket_name"), ValueTypes.STRING, "", "S3 bucket name"),
                    Setting.basic(scope.flag("s3.secret-access-key"), scope.yaml("s3.secret_access_key"), ValueTypes.STRING, "",
                            "S3 secret access key"),
                    Setting.basic(scope.flag("s3.session-token"), scope.yaml("s3.session_token"), ValueTypes.STRING, "", "S3 session token"),
                    Setting.basic(scope.flag("s3.access-key-id"), scope.yaml("s3.access_key_id"), ValueTypes.STRING, "", "S3 access key ID"),
                    Setting.advanced(scope.flag("s3.insecure"), scope.yaml("s3.insecure"), ValueTypes.BOOLEAN, false,
                            "If enabled, use http:// for the S3 endpoint instead of https://. This could be useful in local dev/test environments"
                                    + " while using an S3-compatible backend storage, like Minio."),
                    Setting.advanced(scope.flag("s3.bucket-lookup-type"), scope.yaml("s3.bucket_lookup_type"),
                            ValueTypes.oneOf("auto", "virtual-hosted", "path"), "auto",
                            "Bucket lookup style type, used to access bucket in S3-compatible service. Default is auto. Supported values are:"
                                    + " auto, path, virtual-hosted."),
                    Setting.experimental(scope.flag("s3.storage-class"), scope.yaml("s3.storage_class"), ValueTypes.STRING, "",
                            "The S3 storage class to use, not set by default. Details can be found at https://aws.amazon.com/s3/storage-classes/."
                                    + " Supported values are: " + String.join(", ", STORAGE_CLASSES)),
                    Setting.basic(scope.flag("s3.sse.type"), scope.yaml("s3.sse.type"), ValueTypes.STRING, "",
                            "Enable AWS Server Side Encryption. Supported values: SSE-KMS, SSE-S3."),
                    Setting.basic(scope.flag("s3.sse.kms-key-id"), scope.yaml("s3.sse.kms_key_id"), ValueTypes.STRING, "",
                            "KMS Key ID used to encrypt objects in S3"),
                    Setting.basic(scope.flag("s3.sse.kms-encryption-context"), scope.yaml("s3.sse.kms_encryption_context"), ValueTypes.STRING, "",
                            "KMS Encryption Context used for object encryption. It expects JSON formatted string."));
        }
    }

    private final ConcurrentMap<StorageScope, Settings> settings = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "s3";
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
        return S3ObjectStore.open(config(settingsOf(scope), values));
    }

    /** Reads and validates one scope's settings, naming the flag in every error. */
    static S3Config config(Settings s, ConfigValues values) {
        String bucket = values.required(s.bucketName());
        String endpoint = values.get(s.endpoint()).trim();
        boolean insecure = values.get(s.insecure());
        URI endpointUri = null;
        if (!endpoint.isEmpty()) {
            String withScheme = endpoint.contains("://") ? endpoint : (insecure ? "http://" : "https://") + endpoint;
            try {
                endpointUri = new URI(withScheme);
                if (endpointUri.getHost() == null) {
                    throw new URISyntaxException(withScheme, "no host");
                }
            }
            catch (URISyntaxException e) {
                throw new IllegalArgumentException("-" + s.endpoint().flag() + " is not a valid endpoint: " + endpoint, e);
            }
        }
        String accessKeyId = values.get(s.accessKeyId()).trim();
        String secretAccessKey = values.get(s.secretAccessKey()).trim();
        if (accessKeyId.isEmpty() != secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("-" + s.accessKeyId().flag() + " and -" + s.secretAccessKey().flag()
                    + " must be set together (leave both empty to use the AWS default credential chain)");
        }
        String lookup = values.get(s.bucketLookupType());
        boolean pathStyle = switch (lookup) {
            case "path" -> true;
            case "virtual-hosted" -> false;
            // As minio-go: AWS (and GCS's S3 API) are addressed virtual-hosted, everything else by path.
            default -> endpointUri != null && !endpointUri.getHost().endsWith("amazonaws.com") && !endpointUri.getHost().endsWith("googleapis.com");
        };
        String storageClass = values.get(s.storageClass()).trim();
        if (!storageClass.isEmpty() && !STORAGE_CLASSES.contains(storageClass)) {
            throw new IllegalArgumentException("-" + s.storageClass().flag() + ": unsupported storage class " + storageClass
                    + " (supported: " + String.join(", ", STORAGE_CLASSES) + ")");
        }
        String sseType = values.get(s.sseType()).trim();
        String kmsKeyId = values.get(s.sseKmsKeyId()).trim();
        String kmsContext = values.get(s.sseKmsEncryptionContext()).trim();
        switch (sseType.toUpperCase(Locale.ROOT)) {
            case "" -> { }
            case "SSE-S3" -> sseType = "SSE-S3";
            case "SSE-KMS" -> {
                sseType = "SSE-KMS";
                if (kmsKeyId.isEmpty()) {
                    throw new IllegalArgumentException("-" + s.sseKmsKeyId().flag() + " must be set when -" + s.sseType().flag() + "=SSE-KMS");
                }
                if (!kmsContext.isEmpty() && !(kmsContext.startsWith("{") && kmsContext.endsWith("}"))) {
                    throw new IllegalArgumentException("-" + s.sseKmsEncryptionContext().flag() + " must be a JSON object: " + kmsContext);
                }
            }
            default -> throw new IllegalArgumentException("-" + s.sseType().flag() + ": unsupported server side encryption " + sseType
                    + " (supported: SSE-KMS, SSE-S3)");
        }
        String encodedContext = kmsContext.isEmpty() ? null : Base64.getEncoder().encodeToString(kmsContext.getBytes(StandardCharsets.UTF_8));
        return new S3Config(endpointUri, values.get(s.region()).trim(), bucket, accessKeyId, secretAccessKey,
                values.get(s.sessionToken()).trim(), pathStyle, storageClass, sseType, kmsKeyId, encodedContext,
                "-" + s.bucketName().flag(), "-" + s.accessKeyId().flag(), "-" + s.endpoint().flag(), "-" + s.region().flag());
    }

    /** One scope's validated configuration; the {@code *Flag} fields name flags in errors at open. */
    record S3Config(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey, String sessionToken,
                    boolean pathStyle, String storageClass, String sseType, String kmsKeyId, String kmsEncryptionContextBase64,
                    String bucketFlag, String accessKeyFlag, String endpointFlag, String regionFlag) {
        @Override
        public String toString() {  // never print secrets
            return "S3Config[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle=" + pathStyle + "]";
        }
    }
}
