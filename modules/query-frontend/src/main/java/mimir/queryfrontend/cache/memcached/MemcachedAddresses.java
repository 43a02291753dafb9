package mimir.queryfrontend.cache.memcached;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code addresses} flag: {@code host:port} (the host resolved at each connect) or
 * {@code dns+host:port} (every A/AAAA record of the host is a server, looked up through the JDK's
 * resolver and again every few seconds). Mimir's {@code dnssrv+} and {@code dnssrvnoa+} need SRV
 * lookups and are refused, naming the flag.
 */
final class MemcachedAddresses {
    private static final String DNS = "dns+";

    /** One parsed entry. */
    record Entry(boolean lookup, String host, int port) {
        String hostPort() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    private MemcachedAddresses() {}

    static Entry parse(String flag, String address) {
        String text = address.strip();
        boolean lookup = text.startsWith(DNS);
        if (lookup) {
            text = text.substring(DNS.length());
        }
        else if (text.matches("^[a-z]+\\+.*")) {
            throw new IllegalArgumentException("-" + flag + ": " + text.substring(0, text.indexOf('+') + 1) + " addresses (" + address
                    + ") are not supported; use host:port or dns+host:port");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("-" + flag + ": " + address + " is not host:port (or dns+host:port)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("-" + flag + ": " + address + " has no numeric port");
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("-" + flag + ": " + address + " is not host:port (or dns+host:port)");
        }
        return new Entry(lookup, host, port);
    }

    static boolean needsLookups(List<String> addresses) {
        return addresses.stream().anyMatch(a -> a.strip().startsWith(DNS));
    }

    /**
     * The servers, sorted so that every frontend with the same list shards keys alike. A {@code dns+}
     * host that does not resolve contributes no server; {@code unresolved} gets its name.
     */
    static List<String> resolve(String flag, List<String> addresses, List<String> unresolved) {
        TreeSet<String> servers = new TreeSet<>();
        for (String address : addresses) {
            Entry entry = parse(flag, address);
            if (!entry.lookup()) {
                servers.add(entry.hostPort());
                continue;
            }
            try {
                for (InetAddress resolved : InetAddress.getAllByName(entry.host())) {
                    servers.add(new Entry(false, resolved.getHostAddress(), entry.port()).hostPort());
                }
            }
            catch (UnknownHostException e) {
                unresolved.add(entry.host());
            }
        }
        return List.copyOf(new ArrayList<>(servers));
    }
}
