package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One entry of {@code -<scope>.etcd.endpoints}: {@code host:port}, optionally written as a URL
 * ({@code http://host:port}, {@code https://host:port}) as etcd's own tools accept; an IPv6 host is
 * bracketed ({@code [::1]:2379}). Without a port, etcd's client port 2379.
 *
 * @param host  host name or IP address, without brackets
 * @param port  TCP port
 * @param https true if written as an {@code https://} URL
 */
record EtcdEndpoint(String host, int port, boolean https) {
    static final int DEFAULT_PORT = 2379;

    EtcdEndpoint {
        requireNonNull(host, "host is null");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** @throws IllegalArgumentException if {@code text} is not an endpoint; the message says why, not which flag */
    static EtcdEndpoint parse(String text) {
        String rest = text.strip();
        boolean https = false;
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://")) {
            rest = rest.substring("http://".length());
        }
        else if (lower.startsWith("https://")) {
            rest = rest.substring("https://".length());
            https = true;
        }
        else if (rest.contains("://")) {
            throw new IllegalArgumentException("endpoint \"" + text + "\" has a scheme other than http:// or https://");
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("endpoint \"" + text + "\" has an unclosed [ in its IPv6 address");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("endpoint \"" + text + "\" is not host:port");
                }
                port = after.substring(1);
            }
        }
        else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0 && rest.indexOf(':') != colon) {
                throw new IllegalArgumentException("endpoint \"" + text + "\": write an IPv6 address in brackets, e.g. [::1]:2379");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            port = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains("/")) {
            throw new IllegalArgumentException("endpoint \"" + text + "\" is not host:port");
        }
        int number = DEFAULT_PORT;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint \"" + text + "\" has an invalid port \"" + port + "\"");
            }
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("endpoint \"" + text + "\" has a port out of range");
            }
        }
        return new EtcdEndpoint(host, number, https);
    }

    /** {@code host:port}, with an IPv6 host in brackets: the gRPC authority. */
    String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return authority();
    }
}
