package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Durations;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.spi.kv.KvScope;

/**
 * The {@code etcd} block of one {@code kvstore} scope, validated: dskit's {@code etcd.Config} with
 * Mimir's flags, YAML keys, defaults and help ({@code -<scope>.etcd.endpoints},
 * {@code .dial-timeout} 10s, {@code .max-retries} 10, {@code .tls-*}, {@code .username},
 * {@code .password}).
 *
 * @param scope              the scope, for messages that name its flags
 * @param endpoints          {@code -<scope>.etcd.endpoints}, parsed; never empty
 * @param dialTimeout        {@code -<scope>.etcd.dial-timeout}: how long opening waits for etcd, and each call for a connection
 * @param maxRetries         {@code -<scope>.etcd.max-retries}: attempts of one compare-and-swap
 * @param tlsEnabled         {@code -<scope>.etcd.tls-enabled}
 * @param tlsCertPath        {@code -<scope>.etcd.tls-cert-path}, with {@code tlsKeyPath} or neither
 * @param tlsKeyPath         {@code -<scope>.etcd.tls-key-path} (PEM, PKCS#8)
 * @param tlsCaPath          {@code -<scope>.etcd.tls-ca-path}; empty means the JDK's trusted roots
 * @param tlsServerName      {@code -<scope>.etcd.tls-server-name}; empty means the endpoint's host
 * @param tlsInsecureSkipVerify {@code -<scope>.etcd.tls-insecure-skip-verify}
 * @param tlsCipherSuites    {@code -<scope>.etcd.tls-cipher-suites}, IANA names; empty means the JDK's defaults
 * @param tlsMinVersion      {@code -<scope>.etcd.tls-min-version} as a JSSE protocol name ({@code TLSv1.2}), or empty
 * @param username           {@code -<scope>.etcd.username}; empty means no authentication
 * @param password           {@code -<scope>.etcd.password}
 */
record EtcdConfig(
        KvScope scope,
        List<EtcdEndpoint> endpoints,
        Duration dialTimeout,
        int maxRetries,
        boolean tlsEnabled,
        String tlsCertPath,
        String tlsKeyPath,
        String tlsCaPath,
        String tlsServerName,
        boolean tlsInsecureSkipVerify,
        List<String> tlsCipherSuites,
        String tlsMinVersion,
        String username,
        String password) {
    /** Go's names of {@code -tls-min-version} and the JSSE protocols they mean. */
    static final Map<String, String> TLS_VERSIONS = Map.of("VersionTLS10", "TLSv1", "VersionTLS11", "TLSv1.1", "VersionTLS12", "TLSv1.2",
            "VersionTLS13", "TLSv1.3");

    EtcdConfig {
        requireNonNull(scope, "scope is null");
        endpoints = List.copyOf(endpoints);
        requireNonNull(dialTimeout, "dialTimeout is null");
        requireNonNull(tlsCertPath, "tlsCertPath is null");
        requireNonNull(tlsKeyPath, "tlsKeyPath is null");
        requireNonNull(tlsCaPath, "tlsCaPath is null");
        requireNonNull(tlsServerName, "tlsServerName is null");
        tlsCipherSuites = List.copyOf(tlsCipherSuites);
        requireNonNull(tlsMinVersion, "tlsMinVersion is null");
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints is empty");
        }
    }

    /** The settings of one scope; {@link mimir.spi.config.ConfigValues} compares them by identity, so made once per scope. */
    record Settings(KvScope scope, Setting<List<String>> endpoints, Setting<Duration> dialTimeout, Setting<Integer> maxRetries,
                    Setting<Boolean> tlsEnabled, Setting<String> tlsCertPath, Setting<String> tlsKeyPath, Setting<String> tlsCaPath,
                    Setting<String> tlsServerName, Setting<Boolean> tlsInsecureSkipVerify, Setting<String> tlsCipherSuites,
                    Setting<String> tlsMinVersion, Setting<String> username, Setting<String> password) {
        static Settings of(KvScope scope) {
            return new Settings(scope,
                    Setting.basic(scope.flag("etcd.endpoints"), scope.yaml("etcd.endpoints"), ValueTypes.STRING_LIST, List.of(),
                            "The etcd endpoints to connect to."),
                    Setting.advanced(scope.flag("etcd.dial-timeout"), scope.yaml("etcd.dial_timeout"), ValueTypes.DURATION, Duration.ofSeconds(10),
                            "The dial timeout for the etcd connection."),
                    Setting.advanced(scope.flag("etcd.max-retries"), scope.yaml("etcd.max_retries"), ValueTypes.INT, 10,
                            "The maximum number of retries to do for failed ops."),
                    Setting.advanced(scope.flag("etcd.tls-enabled"), scope.yaml("etcd.tls_enabled"), ValueTypes.BOOLEAN, false, "Enable TLS."),
                    Setting.advanced(scope.flag("etcd.tls-cert-path"), scope.yaml("etcd.tls_cert_path"), ValueTypes.STRING, "",
                            "Path to the client certificate, which will be used for authenticating with the server. Also requires the key path"
                                    + " to be configured."),
                    Setting.advanced(scope.flag("etcd.tls-key-path"), scope.yaml("etcd.tls_key_path"), ValueTypes.STRING, "",
                            "Path to the key for the client certificate. Also requires the client certificate to be configured."
                                    + " This build reads PEM keys in PKCS#8 form (BEGIN PRIVATE KEY)."),
                    Setting.advanced(scope.flag("etcd.tls-ca-path"), scope.yaml("etcd.tls_ca_path"), ValueTypes.STRING, "",
                            "Path to the CA certificates to validate server certificate against. If not set, the host's root CA certificates"
                                    + " are used."),
                    Setting.advanced(scope.flag("etcd.tls-server-name"), scope.yaml("etcd.tls_server_name"), ValueTypes.STRING, "",
                            "Override the expected name on the server certificate."),
                    Setting.advanced(scope.flag("etcd.tls-insecure-skip-verify"), scope.yaml("etcd.tls_insecure_skip_verify"), ValueTypes.BOOLEAN,
                            false, "Skip validating server certificate."),
                    Setting.advanced(scope.flag("etcd.tls-cipher-suites"), scope.yaml("etcd.tls_cipher_suites"), ValueTypes.STRING, "",
                            "Override the default cipher suite list (separated by commas). This build hands the IANA names"
                                    + " (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...) to Java's TLS, which rejects names it does not support."),
                    Setting.advanced(scope.flag("etcd.tls-min-version"), scope.yaml("etcd.tls_min_version"), ValueTypes.STRING, "",
                            "Override the default minimum TLS version. Allowed values: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13"),
                    Setting.basic(scope.flag("etcd.username"), scope.yaml("etcd.username"), ValueTypes.STRING, "", "Etcd username."),
                    Setting.basic(scope.flag("etcd.password"), scope.yaml("etcd.password"), ValueTypes.STRING, "", "Etcd password."));
        }

        List<Setting<?>> all() {
            return List.of(endpoints, dialTimeout, maxRetries, tlsEnabled, tlsCertPath, tlsKeyPath, tlsCaPath, tlsServerName,
                    tlsInsecureSkipVerify, tlsCipherSuites, tlsMinVersion, username, password);
        }

        /** @throws IllegalArgumentException if a value is invalid; the message names the flag */
        EtcdConfig read(ConfigValues values) {
            List<String> texts = values.get(endpoints);
            if (texts.isEmpty()) {
                throw new IllegalArgumentException("-" + endpoints.flag() + " is empty: -" + scope.flag("store")
                        + "=etcd needs the etcd endpoints to connect to, e.g. -" + endpoints.flag() + "=127.0.0.1:2379");
            }
            boolean tls = values.get(tlsEnabled);
            List<EtcdEndpoint> parsed = new ArrayList<>();
            for (String text : texts) {
                EtcdEndpoint endpoint;
                try {
                    endpoint = EtcdEndpoint.parse(text);
                }
                catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("-" + endpoints.flag() + ": " + e.getMessage(), e);
                }
                if (endpoint.https() && !tls) {
                    throw new IllegalArgumentException("-" + endpoints.flag() + ": endpoint \"" + text + "\" is https:// but -" + tlsEnabled.flag()
                            + " is false; enable TLS or write the endpoint as host:port");
                }
                parsed.add(endpoint);
            }
            Duration timeout = values.get(dialTimeout);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("-" + dialTimeout.flag() + "=" + Durations.format(timeout) + " must be positive");
            }
            int retries = values.get(maxRetries);
            if (retries < 1) {
                throw new IllegalArgumentException("-" + maxRetries.flag() + "=" + retries + " must be at least 1 (one attempt)");
            }
            String cert = values.get(tlsCertPath);
            String key = values.get(tlsKeyPath);
            if (cert.isEmpty() != key.isEmpty()) {
                throw new IllegalArgumentException("-" + tlsCertPath.flag() + " and -" + tlsKeyPath.flag() + " must be set together");
            }
            String minVersion = values.get(tlsMinVersion);
            String protocol = "";
            if (!minVersion.isEmpty()) {
                protocol = TLS_VERSIONS.get(minVersion);
                if (protocol == null) {
                    throw new IllegalArgumentException("-" + tlsMinVersion.flag() + "=" + minVersion
                            + " is not one of VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13");
                }
            }
            List<String> ciphers = ValueTypes.STRING_LIST.parse(values.get(tlsCipherSuites));
            String user = values.get(username);
            String secret = values.get(password);
            if (user.isEmpty() && !secret.isEmpty()) {
                throw new IllegalArgumentException("-" + password.flag() + " is set but -" + username.flag() + " is empty");
            }
            return new EtcdConfig(scope, parsed, timeout, retries, tls, cert, key, values.get(tlsCaPath), values.get(tlsServerName),
                    values.get(tlsInsecureSkipVerify), ciphers, protocol, user, secret);
        }
    }

    /** The flag of a setting of this scope's etcd block, e.g. {@code flag("endpoints")} is {@code -ingester.ring.etcd.endpoints}. */
    String flag(String suffix) {
        return "-" + scope.flag("etcd." + suffix);
    }

    /** The endpoints as written in messages: {@code -ingester.ring.etcd.endpoints=127.0.0.1:2379}. */
    String describeEndpoints() {
        return flag("endpoints") + "=" + String.join(",", endpoints.stream().map(EtcdEndpoint::authority).toList());
    }
}
