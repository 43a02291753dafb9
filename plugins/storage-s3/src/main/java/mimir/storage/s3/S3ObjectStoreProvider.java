package mimir.storage.s3;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * The ServiceLoader entry of the S3 backend: {@code -<scope>.backend=s3}, configured by Mimir's
 * {@code -<scope>.s3.*} flags (YAML {@code <scope>.s3.*}), with Mimir's names, defaults and help.
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
    static final List<String> STORAGE_CLASSES = List.of("STANDARD", "REDUCED_REDUNDANCY", "GLACIER", "STANDARD_IA", "ONEZONE_IA",
            "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE");

    /** The settings of one scope, identity-compared by ConfigValues, so created once per scope. */
    record Settings(Setting<String> endpoint, Setting<String> region, Setting<String> bucketName, Setting<String> secretAccessKey,
                    Setting<String> sessionToken, Setting<String> accessKeyId, Setting<Boolean> insecure, Setting<String> bucketLookupType,
                    Setting<String> storageClass, Setting<String> sseType, Setting<String> sseKmsKeyId, Setting<String> sseKmsEncryptionContext,
                    Setting<String> signatureVersion, Setting<String> listObjectsVersion, Setting<Boolean> nativeAwsAuthEnabled,
                    Setting<Long> partSize, Setting<Boolean> sendContentMd5, Setting<Boolean> dualstackEnabled, Setting<String> stsEndpoint,
                    ObjectStoreHttp http, Setting<Boolean> traceEnable) {
        List<Setting<?>> all() {
            List<Setting<?>> all = new ArrayList<>(List.of(endpoint, region, bucketName, secretAccessKey, sessionToken, accessKeyId, insecure,
                    bucketLookupType, storageClass, sseType, sseKmsKeyId, sseKmsEncryptionContext, signatureVersion, listObjectsVersion,
                    nativeAwsAuthEnabled, partSize, sendContentMd5, dualstackEnabled, stsEndpoint));
            all.addAll(http.all());
            all.add(traceEnable);
            return List.copyOf(all);
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
                            "KMS Encryption Context used for object encryption. It expects JSON formatted string."),
                    Setting.advanced(scope.flag("s3.signature-version"), scope.yaml("s3.signature_version"), ValueTypes.STRING, "v4",
                            "The signature version to use for authenticating against S3. Supported values are: v4, v2. This build signs with"
                                    + " v4 only (the AWS SDK for Java v2 has no v2 signer): v2 is rejected at startup."),
                    Setting.advanced(scope.flag("s3.list-objects-version"), scope.yaml("s3.list_objects_version"), ValueTypes.STRING, "",
                            "Use a specific version of the S3 list object API. Supported values are v1 or v2. Default is unset."
                                    + " Unset lists with v2 (ListObjectsV2); v1 lists with ListObjects and markers."),
                    Setting.experimental(scope.flag("s3.native-aws-auth-enabled"), scope.yaml("s3.native_aws_auth_enabled"), ValueTypes.BOOLEAN,
                            false, "If enabled, it will use the default authentication methods of the AWS SDK for go based on known environment"
                                    + " variables and known AWS config files. This build always uses the AWS SDK's default credential chain when no"
                                    + " access key is set; enabling this together with an access key is rejected, as in Mimir."),
                    Setting.experimental(scope.flag("s3.part-size"), scope.yaml("s3.part_size"), ValueTypes.LONG, 0L,
                            "The minimum file size in bytes used for multipart uploads. If 0, the value is optimally computed for each object."
                                    + " This build uses it as the part size: objects smaller than one part are one PutObject, larger ones are"
                                    + " uploaded in parts of this size (each buffered in memory); 0 means 16 MiB. Must be 0 or between 5 MiB"
                                    + " and 1 GiB."),
                    Setting.experimental(scope.flag("s3.send-content-md5"), scope.yaml("s3.send_content_md5"), ValueTypes.BOOLEAN, false,
                            "If enabled, a Content-MD5 header is sent with S3 Put Object requests. Consumes more resources to compute the MD5,"
                                    + " but may improve compatibility with object storage services that do not support checksums."
                                    + " This build also sends it with every Upload Part request of a multipart upload."),
                    Setting.experimental(scope.flag("s3.dualstack-enabled"), scope.yaml("s3.dualstack_enabled"), ValueTypes.BOOLEAN, true,
                            "When enabled, direct all AWS S3 requests to the dual-stack IPv4/IPv6 endpoint for the configured region."
                                    + " Applies when -" + scope.flag("s3.endpoint") + " is empty (the SDK resolves the AWS endpoint); a"
                                    + " configured endpoint is used as given."),
                    Setting.basic(scope.flag("s3.sts-endpoint"), scope.yaml("s3.sts_endpoint"), ValueTypes.STRING, "",
                            "Accessing S3 resources using temporary, secure credentials provided by AWS Security Token Service."
                                    + " This build uses it as the STS endpoint of web identity credentials (AssumeRoleWithWebIdentity with"
                                    + " AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, as on EKS) when no access key is set and both variables are;"
                                    + " otherwise the AWS default credential chain is used and the endpoint is not contacted. It must be a URL."),
                    ObjectStoreHttp.of(scope, "s3", "S3", HTTP_NOTES),
                    Setting.advanced(scope.flag("s3.trace.enable"), scope.yaml("s3.trace.enable"), ValueTypes.BOOLEAN, false,
                            "If enabled, low-level S3 HTTP operation info will be logged. This build logs each request's method, URL,"
                                    + " status and duration at debug level (logger mimir.storage.s3.trace)."));
        }
    }

    /** How the Apache 5 HTTP client of the AWS SDK applies Mimir's http block. */
    static final Map<String, String> HTTP_NOTES = Map.of(
            "idle_conn_timeout", "Applied as the connection pool's maximum idle time.",
            "response_header_timeout", "Applied as the socket read timeout, which also bounds each wait for response body data. 0 means no limit.",
            "expect_continue_timeout", "This build's client waits for 100 Continue its own fixed time; 0 disables Expect: 100-continue on uploads.",
            "max_idle_connections", "Validated only: the client keeps released connections idle up to the idle timeout and has no separate"
                    + " idle count limit.",
            "max_idle_connections_per_host", "Validated only: the client keeps released connections idle up to the idle timeout and has no"
                    + " separate idle count limit.",
            "max_connections_per_host", "Applied as the connection pool size.");

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
        String signature = values.get(s.signatureVersion()).trim();
        if (signature.equals("v2")) {
            throw new IllegalArgumentException("-" + s.signatureVersion().flag() + "=v2 is not supported: the AWS SDK for Java v2 signs with"
                    + " Signature Version 4 only (set v4)");
        }
        if (!signature.equals("v4")) {
            throw new IllegalArgumentException("-" + s.signatureVersion().flag() + ": unsupported signature version " + signature
                    + " (supported values: v4, v2)");
        }
        String listVersion = values.get(s.listObjectsVersion()).trim();
        if (!listVersion.isEmpty() && !listVersion.equals("v1") && !listVersion.equals("v2")) {
            throw new IllegalArgumentException("-" + s.listObjectsVersion().flag() + ": unsupported version " + listVersion
                    + " (supported values: v1, v2)");
        }
        if (values.get(s.nativeAwsAuthEnabled()) && !accessKeyId.isEmpty()) {
            throw new IllegalArgumentException("-" + s.nativeAwsAuthEnabled().flag() + " and -" + s.accessKeyId().flag()
                    + " are mutually exclusive");
        }
        long partSize = values.get(s.partSize());
        if (partSize != 0 && (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE)) {
            throw new IllegalArgumentException("-" + s.partSize().flag() + " must be 0 or between " + MIN_PART_SIZE + " (5 MiB) and "
                    + MAX_PART_SIZE + " (1 GiB): " + partSize);
        }
        String sts = values.get(s.stsEndpoint()).trim();
        URI stsUri = null;
        if (!sts.isEmpty()) {
            try {
                stsUri = new URI(sts);
                if (stsUri.getScheme() == null || stsUri.getHost() == null) {
                    throw new URISyntaxException(sts, "no scheme or host");
                }
            }
            catch (URISyntaxException e) {
                throw new IllegalArgumentException("-" + s.stsEndpoint().flag() + " must be a valid URL: " + sts, e);
            }
        }
        ObjectStoreHttp.Options http = s.http().read(values);
        return new S3Config(endpointUri, values.get(s.region()).trim(), bucket, accessKeyId, secretAccessKey,
                values.get(s.sessionToken()).trim(), pathStyle, storageClass, sseType, kmsKeyId, encodedContext,
                listVersion.equals("v1"), values.get(s.dualstackEnabled()), partSize == 0 ? S3ObjectStore.DEFAULT_PART_SIZE : (int) partSize,
                values.get(s.sendContentMd5()), stsUri, values.get(s.traceEnable()), http,
                "-" + s.bucketName().flag(), "-" + s.accessKeyId().flag(), "-" + s.endpoint().flag(), "-" + s.region().flag());
    }

    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    static final long MAX_PART_SIZE = 1024L * 1024 * 1024;

    /** One scope's validated configuration; the {@code *Flag} fields name flags in errors at open. */
    record S3Config(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey, String sessionToken,
                    boolean pathStyle, String storageClass, String sseType, String kmsKeyId, String kmsEncryptionContextBase64,
                    boolean listObjectsV1, boolean dualstack, int partSize, boolean sendContentMd5, URI stsEndpoint, boolean trace,
                    ObjectStoreHttp.Options http, String bucketFlag, String accessKeyFlag, String endpointFlag, String regionFlag) {
        @Override
        public String toString() {  // never print secrets
            return "S3Config[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", pathStyle=" + pathStyle + "]";
        }
    }
}
