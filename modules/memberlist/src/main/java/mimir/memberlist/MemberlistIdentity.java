package mimir.memberlist;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HexFormat;

/** Who this node is in the cluster and where the others reach it, derived from the settings as dskit does. */
final class MemberlistIdentity {
    private static final System.Logger LOG = System.getLogger(MemberlistIdentity.class.getName());

    private MemberlistIdentity() {}

    /**
     * {@code -memberlist.nodename}, or the hostname if empty, with a random suffix of eight hex digits
     * unless {@code -memberlist.randomize-node-name=false}.
     */
    static String nodeName(MemberlistConfig config) {
        String base = config.nodeName().isEmpty() ? hostname() : config.nodeName();
        if (!config.randomizeNodeName()) {
            return base;
        }
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        return base + "-" + HexFormat.of().formatHex(suffix);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "localhost" : fromEnvironment;
        }
    }

    /**
     * The address other members reach this node at: {@code -memberlist.advertise-addr} if set, else the
     * first specific bind address, else (binding every interface) a private IPv4 address of this host,
     * as dskit does.
     */
    static String advertiseHost(MemberlistConfig config) throws IOException {
        if (!config.advertiseAddress().isEmpty()) {
            return config.advertiseAddress();
        }
        for (String bind : config.bindAddresses()) {
            InetAddress address = InetAddress.getByName(bind);
            if (!address.isAnyLocalAddress()) {
                return address.getHostAddress();
            }
        }
        String found = privateAddress();
        if (found != null) {
            return found;
        }
        LOG.log(Level.WARNING, "memberlist found no private IP address to advertise, using 127.0.0.1; set -"
                + MemberlistConfig.ADVERTISE_ADDR.flag());
        return "127.0.0.1";
    }

    private static String privateAddress() throws SocketException {
        String fallback = null;
        Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
        while (interfaces != null && interfaces.hasMoreElements()) {
            NetworkInterface candidate = interfaces.nextElement();
            if (!candidate.isUp() || candidate.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(candidate.getInetAddresses())) {
                if (address instanceof Inet4Address) {
                    if (address.isSiteLocalAddress()) {
                        return address.getHostAddress();
                    }
                    if (fallback == null && !address.isLinkLocalAddress()) {
                        fallback = address.getHostAddress();
                    }
                }
            }
        }
        return fallback;
    }
}
