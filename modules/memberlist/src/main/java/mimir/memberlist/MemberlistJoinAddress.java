package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code -memberlist.join}: {@code host:port}, {@code host} (the bind port, or 7946 when
 * binding to port 0), {@code [v6-address]:port}, or {@code dns+host:port}, which joins every address
 * the name resolves to (a Kubernetes headless service). Names are resolved at each join attempt, so
 * a member that is not yet in DNS is found by a later retry. dskit's SRV forms ({@code dnssrv+},
 * {@code dnssrvnoa+}) need a DNS client the JDK does not offer on the module path and are rejected.
 *
 * @param host       the host name or address, without brackets
 * @param port       the port
 * @param allRecords whether every resolved address is a member ({@code dns+}), or only the first
 */
record MemberlistJoinAddress(String host, int port, boolean allRecords) {
    MemberlistJoinAddress {
        requireNonNull(host, "host is null");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses one entry.
     *
     * @throws IllegalArgumentException naming {@code -memberlist.join} and the entry if it is malformed
     */
    static MemberlistJoinAddress parse(String entry, int defaultPort) {
        String text = entry.strip();
        boolean allRecords = false;
        if (text.startsWith("dnssrv+") || text.startsWith("dnssrvnoa+")) {
            throw invalid(entry, "DNS SRV discovery is not supported; use dns+host:port or host:port");
        }
        if (text.startsWith("dns+")) {
            allRecords = true;
            text = text.substring("dns+".length());
        }
        String host;
        int port = defaultPort;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(entry, "missing ']'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(entry, "expected ':' after ']'");
                }
                port = parsePort(entry, rest.substring(1));
            }
        }
        else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') != colon) {
                throw invalid(entry, "IPv6 addresses must be written in brackets, e.g. [::1]:7946");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            if (colon >= 0) {
                port = parsePort(entry, text.substring(colon + 1));
            }
        }
        if (host.isEmpty()) {
            throw invalid(entry, "no host");
        }
        return new MemberlistJoinAddress(host, port, allRecords);
    }

    /** The socket addresses to contact now: all of them for {@code dns+}, else the first. */
    List<InetSocketAddress> resolve() throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        List<InetSocketAddress> result = new ArrayList<>(addresses.length);
        for (InetAddress address : addresses) {
            result.add(new InetSocketAddress(address, port));
            if (!allRecords) {
                break;
            }
        }
        return result;
    }

    @Override
    public String toString() {
        String hostPort = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        return allRecords ? "dns+" + hostPort : hostPort;
    }

    private static int parsePort(String entry, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        }
        catch (NumberFormatException e) {
            // Reported below with the entry.
        }
        throw invalid(entry, "invalid port \"" + text + "\"");
    }

    private static IllegalArgumentException invalid(String entry, String reason) {
        return new IllegalArgumentException("-" + MemberlistConfig.JOIN.flag() + ": invalid member \"" + entry + "\": " + reason);
    }
}
