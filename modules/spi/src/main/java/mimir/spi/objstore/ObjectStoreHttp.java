package mimir.spi.objstore;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * Mimir's {@code http} block of an object-storage backend ({@code pkg/storage/bucket/common/http.go},
 * and the identical block of the S3 backend): the settings, declared once per scope under
 * {@code <scope>.<backend>.}, and their validated values, with the TLS material they name. SDK-neutral:
 * each backend maps {@link Options} onto its own HTTP client.
 *
 * <p>Flags as Mimir names them: {@code <backend>.http.idle-conn-timeout},
 * {@code <backend>.http.response-header-timeout}, {@code <backend>.http.insecure-skip-verify},
 * {@code <backend>.tls-handshake-timeout}, {@code <backend>.expect-continue-timeout},
 * {@code <backend>.max-idle-connections}, {@code <backend>.max-idle-connections-per-host},
 * {@code <backend>.max-connections-per-host}, {@code <backend>.http.tls-{ca,cert,key}-path} and
 * {@code <backend>.http.tls-server-name}; all YAML keys are under {@code <backend>.http}.
 */
public record ObjectStoreHttp(Setting<Duration> idleConnTimeout, Setting<Duration> responseHeaderTimeout, Setting<Boolean> insecureSkipVerify,
                              Setting<Duration> tlsHandshakeTimeout, Setting<Duration> expectContinueTimeout, Setting<Integer> maxIdleConnections,
                              Setting<Integer> maxIdleConnectionsPerHost, Setting<Integer> maxConnectionsPerHost, Setting<String> tlsCaPath,
                              Setting<String> tlsCertPath, Setting<String> tlsKeyPath, Setting<String> tlsServerName) {
    /**
     * Declares the block for one scope.
     *
     * @param backend the backend's prefix, e.g. {@code s3}
     * @param service how the insecure-skip-verify help names the service ({@code S3}, {@code object storage})
     * @param notes   per YAML key (e.g. {@code max_idle_connections}), a sentence appended to Mimir's help saying
     *                how this backend applies the setting; keys absent from the map keep Mimir's help alone
     */
    public static ObjectStoreHttp of(StorageScope scope, String backend, String service, Map<String, String> notes) {
        requireNonNull(scope, "scope is null");
        requireNonNull(notes, "notes is null");
        String p = backend + ".";
        String y = backend + ".http.";
        return new ObjectStoreHttp(
                Setting.advanced(scope.flag(p + "http.idle-conn-timeout"), scope.yaml(y + "idle_conn_timeout"), ValueTypes.DURATION,
                        Duration.ofSeconds(90), help("The time an idle connection will remain idle before closing.", notes, "idle_conn_timeout")),
                Setting.advanced(scope.flag(p + "http.response-header-timeout"), scope.yaml(y + "response_header_timeout"), ValueTypes.DURATION,
                        Duration.ofMinutes(2), help("The amount of time the client will wait for a servers response headers.", notes,
                                "response_header_timeout")),
                Setting.advanced(scope.flag(p + "http.insecure-skip-verify"), scope.yaml(y + "insecure_skip_verify"), ValueTypes.BOOLEAN, false,
                        help("If the client connects to " + service + " via HTTPS and this option is enabled, the client will accept any"
                                + " certificate and hostname.", notes, "insecure_skip_verify")),
                Setting.advanced(scope.flag(p + "tls-handshake-timeout"), scope.yaml(y + "tls_handshake_timeout"), ValueTypes.DURATION,
                        Duration.ofSeconds(10), help("Maximum time to wait for a TLS handshake. 0 means no limit.", notes, "tls_handshake_timeout")),
                Setting.advanced(scope.flag(p + "expect-continue-timeout"), scope.yaml(y + "expect_continue_timeout"), ValueTypes.DURATION,
                        Duration.ofSeconds(1), help("The time to wait for a server's first response headers after fully writing the request headers"
                                + " if the request has an Expect header. 0 to send the request body immediately.", notes, "expect_continue_timeout")),
                Setting.advanced(scope.flag(p + "max-idle-connections"), scope.yaml(y + "max_idle_connections"), ValueTypes.INT, 100,
                        help("Maximum number of idle (keep-alive) connections across all hosts. 0 means no limit.", notes, "max_idle_connections")),
                Setting.advanced(scope.flag(p + "max-idle-connections-per-host"), scope.yaml(y + "max_idle_connections_per_host"), ValueTypes.INT, 100,
                        help("Maximum number of idle (keep-alive) connections to keep per-host. If 0, a built-in default value is used.", notes,
                                "max_idle_connections_per_host")),
                Setting.advanced(scope.flag(p + "max-connections-per-host"), scope.yaml(y + "max_connections_per_host"), ValueTypes.INT, 0,
                        help("Maximum number of connections per host. 0 means no limit.", notes, "max_connections_per_host")),
                Setting.advanced(scope.flag(p + "http.tls-ca-path"), scope.yaml(y + "tls_ca_path"), ValueTypes.STRING, "",
                        help("Path to the CA certificates to validate server certificate against. If not set, the host's root CA certificates"
                                + " are used.", notes, "tls_ca_path")),
                Setting.advanced(scope.flag(p + "http.tls-cert-path"), scope.yaml(y + "tls_cert_path"), ValueTypes.STRING, "",
                        help("Path to the client certificate, which will be used for authenticating with the server. Also requires the key"
                                + " path to be configured.", notes, "tls_cert_path")),
                Setting.advanced(scope.flag(p + "http.tls-key-path"), scope.yaml(y + "tls_key_path"), ValueTypes.STRING, "",
                        help("Path to the key for the client certificate. Also requires the client certificate to be configured.", notes,
                                "tls_key_path")),
                Setting.advanced(scope.flag(p + "http.tls-server-name"), scope.yaml(y + "tls_server_name"), ValueTypes.STRING, "",
                        help("Override the expected name on the server certificate.", notes, "tls_server_name")));
    }

    private static String help(String mimir, Map<String, String> notes, String key) {
        String note = notes.get(key);
        return note == null || note.isEmpty() ? mimir : mimir + " " + note;
    }

    /** The settings in Mimir's order. */
    public List<Setting<?>> all() {
        return List.of(idleConnTimeout, responseHeaderTimeout, insecureSkipVerify, tlsHandshakeTimeout, expectContinueTimeout, maxIdleConnections,
                maxIdleConnectionsPerHost, maxConnectionsPerHost, tlsCaPath, tlsCertPath, tlsKeyPath, tlsServerName);
    }

    /**
     * Reads and validates the block, loading the TLS files it names.
     *
     * @throws IllegalArgumentException naming the flag, for a negative duration or count, a key without its
     *                                  certificate (or the reverse), or a TLS file that cannot be read or parsed
     */
    public Options read(ConfigValues values) {
        requireNonNull(values, "values is null");
        for (Setting<Duration> d : List.of(idleConnTimeout, responseHeaderTimeout, tlsHandshakeTimeout, expectContinueTimeout)) {
            if (values.get(d).isNegative()) {
                throw new IllegalArgumentException("-" + d.flag() + " must not be negative: " + values.get(d));
            }
        }
        for (Setting<Integer> n : List.of(maxIdleConnections, maxIdleConnectionsPerHost, maxConnectionsPerHost)) {
            if (values.get(n) < 0) {
                throw new IllegalArgumentException("-" + n.flag() + " must not be negative: " + values.get(n));
            }
        }
        String ca = values.get(tlsCaPath).trim();
        String cert = values.get(tlsCertPath).trim();
        String key = values.get(tlsKeyPath).trim();
        if (cert.isEmpty() != key.isEmpty()) {
            throw new IllegalArgumentException("-" + tlsCertPath.flag() + " and -" + tlsKeyPath.flag() + " must be set together");
        }
        List<X509Certificate> caCerts = ca.isEmpty() ? List.of() : certificates(ca, tlsCaPath);
        KeyManager[] keyManagers = null;
        if (!cert.isEmpty()) {
            List<X509Certificate> chain = certificates(cert, tlsCertPath);
            PrivateKey privateKey = privateKey(key, tlsKeyPath);
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("client", privateKey, new char[0], chain.toArray(new Certificate[0]));
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, new char[0]);
                keyManagers = factory.getKeyManagers();
            }
            catch (GeneralSecurityException | IOException e) {
                throw new IllegalArgumentException("-" + tlsKeyPath.flag() + "=" + key + " does not match -" + tlsCertPath.flag() + "=" + cert
                        + ": " + e.getMessage(), e);
            }
        }
        X509ExtendedTrustManager trust;
        try {
            KeyStore roots = null;
            if (!caCerts.isEmpty()) {
                roots = KeyStore.getInstance("PKCS12");
                roots.load(null, null);
                for (int i = 0; i < caCerts.size(); i++) {
                    roots.setCertificateEntry("ca-" + i, caCerts.get(i));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(roots);
            trust = (X509ExtendedTrustManager) factory.getTrustManagers()[0];
        }
        catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("-" + tlsCaPath.flag() + "=" + ca + ": cannot build a trust store: " + e.getMessage(), e);
        }
        return new Options(values.get(idleConnTimeout), values.get(responseHeaderTimeout), values.get(insecureSkipVerify),
                values.get(tlsHandshakeTimeout), values.get(expectContinueTimeout), values.get(maxIdleConnections),
                values.get(maxIdleConnectionsPerHost), values.get(maxConnectionsPerHost), values.get(tlsServerName).trim(),
                !ca.isEmpty() || !cert.isEmpty(), trust, keyManagers);
    }

    /**
     * The validated block.
     *
     * @param tlsServerName  the name to send as SNI and to verify the server certificate against, or empty for the host
     * @param customTls      true if a CA or client certificate file is configured
     */
    public record Options(Duration idleConnTimeout, Duration responseHeaderTimeout, boolean insecureSkipVerify, Duration tlsHandshakeTimeout,
                          Duration expectContinueTimeout, int maxIdleConnections, int maxIdleConnectionsPerHost, int maxConnectionsPerHost,
                          String tlsServerName, boolean customTls, X509ExtendedTrustManager baseTrustManager, KeyManager[] keyManagers) {
        /** True if anything differs from the JVM's default TLS (trust, client certificate, verification or server name). */
        public boolean tlsCustomized() {
            return customTls || insecureSkipVerify || !tlsServerName.isEmpty();
        }

        /**
         * The trust manager to use: accepts anything with {@code insecureSkipVerify}; with a server name, checks
         * the chain and then the name itself (so the name is verified whatever host the client connected to);
         * otherwise the configured (or default) roots, with the client's usual hostname verification.
         */
        public X509TrustManager trustManager() {
            if (insecureSkipVerify) {
                return new TrustAll();
            }
            if (!tlsServerName.isEmpty()) {
                return new NameChecking(baseTrustManager, tlsServerName);
            }
            return baseTrustManager;
        }

        /** The client key managers, or null without a client certificate. */
        @Override
        public KeyManager[] keyManagers() {
            return keyManagers == null ? null : keyManagers.clone();
        }

        /** An SSL context with {@link #trustManager()} and {@link #keyManagers()}. */
        public SSLContext sslContext() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers(), new TrustManager[] {trustManager()}, null);
                return context;
            }
            catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot initialize TLS: " + e.getMessage(), e);
            }
        }

        /**
         * Layers TLS over a connected socket for a client that builds its own sockets: SNI is the server name (or
         * the host), the certificate is verified against it (unless {@code insecureSkipVerify}), and the
         * handshake is bounded by {@code tlsHandshakeTimeout} (0: no limit).
         */
        public SSLSocket layer(SSLContext context, Socket socket, String host, int port) throws IOException {
            String name = tlsServerName.isEmpty() ? host : tlsServerName;
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, name, port, true);
            SSLParameters parameters = ssl.getSSLParameters();
            if (!insecureSkipVerify) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!tlsServerName.isEmpty()) {
                parameters.setServerNames(List.of(new SNIHostName(tlsServerName)));
            }
            ssl.setSSLParameters(parameters);
            int timeout = socket.getSoTimeout();
            ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, tlsHandshakeTimeout.toMillis()));
            try {
                ssl.startHandshake();
            }
            catch (IOException e) {
                ssl.close();
                throw e;
            }
            ssl.setSoTimeout(timeout);
            return ssl;
        }

        @Override
        public String toString() {
            return "Options[idleConnTimeout=" + idleConnTimeout + ", responseHeaderTimeout=" + responseHeaderTimeout + ", insecureSkipVerify="
                    + insecureSkipVerify + ", tlsHandshakeTimeout=" + tlsHandshakeTimeout + ", maxConnectionsPerHost=" + maxConnectionsPerHost
                    + ", tlsServerName=" + tlsServerName + "]";
        }
    }

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private static String read(String path, Setting<String> setting) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("-" + setting.flag() + "=" + path + ": cannot read the file: " + e, e);
        }
    }

    private static List<X509Certificate> certificates(String path, Setting<String> setting) {
        String text = read(path, setting);
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> parsed = factory.generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            for (Certificate c : parsed) {
                out.add((X509Certificate) c);
            }
        }
        catch (CertificateException e) {
            throw new IllegalArgumentException("-" + setting.flag() + "=" + path + ": not PEM certificates: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("-" + setting.flag() + "=" + path + ": no PEM certificate in the file");
        }
        return out;
    }

    /** A PEM private key: PKCS#8 ({@code PRIVATE KEY}, RSA, EC or EdDSA) or PKCS#1 ({@code RSA PRIVATE KEY}). */
    private static PrivateKey privateKey(String path, Setting<String> setting) {
        Matcher m = PEM.matcher(read(path, setting));
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (type.equals("RSA PRIVATE KEY")) {
                der = pkcs1ToPkcs8(der);
            }
            else if (!type.equals("PRIVATE KEY")) {
                throw new IllegalArgumentException("-" + setting.flag() + "=" + path + ": unsupported key type " + type
                        + " (supported: PKCS#8 PRIVATE KEY, RSA PRIVATE KEY; convert with openssl pkcs8 -topk8 -nocrypt)");
            }
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                }
                catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
            throw new IllegalArgumentException("-" + setting.flag() + "=" + path + ": cannot parse the private key");
        }
        throw new IllegalArgumentException("-" + setting.flag() + "=" + path + ": no PEM private key in the file");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    /** insecure_skip_verify: any certificate, any name. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** tls_server_name: the chain against the roots, then the leaf against the configured name (not the connected host). */
    private static final class NameChecking extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager base;
        private final String name;

        NameChecking(X509ExtendedTrustManager base, String name) {
            this.base = base;
            this.name = name.toLowerCase(Locale.ROOT);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            base.checkServerTrusted(chain, authType);
            if (!matches(chain[0], name)) {
                throw new CertificateException("the server certificate does not match the configured server name " + name);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            base.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            base.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            base.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return base.getAcceptedIssuers();
        }
    }

    /** True if a DNS or IP subject alternative name of the certificate matches the name (one leading {@code *.} wildcard label). */
    static boolean matches(X509Certificate certificate, String name) throws CertificateParsingException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        if (names == null) {
            return false;
        }
        for (List<?> entry : names) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT);
            if ((type == 2 || type == 7) && value.equals(name)) {
                return true;
            }
            if (type == 2 && value.startsWith("*.")) {
                int dot = name.indexOf('.');
                if (dot > 0 && name.substring(dot).equals(value.substring(1))) {
                    return true;
                }
            }
        }
        return false;
    }
}
