package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.config.ValueTypes;
import mimir.spi.kv.KvScope;

/**
 * The settings of one ring, with Mimir's names below the ring's prefix ({@code -ingester.ring.*},
 * {@code -store-gateway.sharding-ring.*}, ...). The store and key prefix settings belong to the
 * {@link KvScope} and are registered by the launcher.
 *
 * @param key               the ring's key in the KV store ({@code ring} for ingesters, as in Mimir)
 * @param replicationFactor the replication factor setting, or null for a ring without replication
 *                          (distributors), which then reads as 1
 * @param numTokens         the tokens setting, or null for a ring whose instances hold one token
 */
public record RingSettings(KvScope scope, String key, Setting<Integer> replicationFactor, Setting<Integer> numTokens, Setting<Duration> heartbeatPeriod,
        Setting<Duration> heartbeatTimeout, Setting<Boolean> zoneAwareness, Setting<String> instanceId, Setting<String> instanceAddr,
        Setting<Integer> instancePort, Setting<String> zone, Setting<List<String>> interfaceNames, Setting<Boolean> unregisterOnShutdown,
        Setting<Integer> autoForgetUnhealthyPeriods) {

    /** {@code -ingester.ring.*}: read by ingesters (which register), distributors and queriers. */
    public static final RingSettings INGESTER = of(KvScope.INGESTER_RING, "ingester.ring", "ring", 3, 128, 0);

    /** {@code -distributor.ring.*}: distributors register to share the tenants' global rate limits. */
    public static final RingSettings DISTRIBUTOR = of(KvScope.DISTRIBUTOR_RING, "distributor.ring", "distributor", null, null, 10);

    /**
     * {@code -store-gateway.sharding-ring.*}: store-gateways register and shard the blocks among them;
     * queriers read it to find the store-gateways holding a block.
     */
    public static final RingSettings STORE_GATEWAY = of(KvScope.STORE_GATEWAY_RING, "store_gateway.sharding_ring", "store-gateway", 3, 512, 10);

    /**
     * {@code -compactor.ring.*} (YAML {@code compactor.sharding_ring}): compactors register and share the
     * tenants' compaction jobs and cleanup, one compactor per job (no replication), 512 tokens each and
     * auto-forget after 10 heartbeat timeouts, as in Mimir.
     */
    public static final RingSettings COMPACTOR = of(KvScope.COMPACTOR_RING, "compactor.sharding_ring", "compactor", null, 512, 10);

    /**
     * {@code -ruler.ring.*}: rulers register and shard the rule groups among them, each group evaluated by
     * one ruler (lookups with replication factor 1, no replication setting, as in Mimir).
     */
    public static final RingSettings RULER = of(KvScope.RULER_RING, "ruler.ring", "ring", null, 128, 2);

    public RingSettings {
        requireNonNull(scope, "scope is null");
        requireNonNull(key, "key is null");
    }

    /**
     * @param autoForgetPeriods after how many heartbeat timeouts an unhealthy instance is removed by its
     *                          peers (0: never, as for ingesters)
     */
    public static RingSettings of(KvScope scope, String yamlPrefix, String key, Integer defaultRf, Integer defaultTokens, int autoForgetPeriods) {
        String f = scope.flagPrefix() + ".";
        String y = yamlPrefix + ".";
        return new RingSettings(scope, key,
                defaultRf == null ? null : Setting.basic(f + "replication-factor", y + "replication_factor", ValueTypes.INT, defaultRf,
                        "Number of replicas of each series (ingesters) or item. The quorum of a write or read is replication-factor/2+1; "
                                + "a ring with fewer instances than this uses them all."),
                defaultTokens == null ? null : Setting.advanced(f + "num-tokens", y + "num_tokens", ValueTypes.INT, defaultTokens,
                        "Number of tokens for each instance."),
                Setting.advanced(f + "heartbeat-period", y + "heartbeat_period", ValueTypes.DURATION, Duration.ofSeconds(15),
                        "Period at which to heartbeat to the ring."),
                Setting.advanced(f + "heartbeat-timeout", y + "heartbeat_timeout", ValueTypes.DURATION, Duration.ofMinutes(1),
                        "The heartbeat timeout after which instances are considered unhealthy within the ring."),
                Setting.advanced(f + "zone-awareness-enabled", y + "zone_awareness_enabled", ValueTypes.BOOLEAN, false,
                        "True to enable the zone-awareness and replicate data across different availability zones."),
                Setting.advanced(f + "instance-id", y + "instance_id", ValueTypes.STRING, "",
                        "Instance ID to register in the ring. Defaults to the hostname."),
                Setting.advanced(f + "instance-addr", y + "instance_addr", ValueTypes.STRING, "",
                        "IP address to advertise in the ring. Default is auto-detected from the network interfaces."),
                Setting.advanced(f + "instance-port", y + "instance_port", ValueTypes.INT, 0,
                        "Port to advertise in the ring (defaults to -server.grpc-listen-port)."),
                Setting.advanced(f + "instance-availability-zone", y + "instance_availability_zone", ValueTypes.STRING, "",
                        "The availability zone where this instance is running."),
                Setting.advanced(f + "instance-interface-names", y + "instance_interface_names", ValueTypes.STRING_LIST, List.of("eth0", "en0"),
                        "List of network interface names to look up when finding the instance IP address."),
                Setting.advanced(f + "unregister-on-shutdown", y + "unregister_on_shutdown", ValueTypes.BOOLEAN, true,
                        "Unregister from the ring upon clean shutdown."),
                autoForgetPeriods > 0
                        ? Setting.advanced(f + "auto-forget-unhealthy-periods", y + "auto_forget_unhealthy_periods", ValueTypes.INT, autoForgetPeriods,
                                "Number of consecutive timeout periods an unhealthy instance in the ring is automatically removed after. Set to 0 to disable auto-forget.")
                        : null);
    }

    public void register(ConfigRegistry registry) {
        for (Setting<?> setting : java.util.Arrays.asList(replicationFactor, numTokens, heartbeatPeriod, heartbeatTimeout, zoneAwareness, instanceId,
                instanceAddr, instancePort, zone, interfaceNames, unregisterOnShutdown, autoForgetUnhealthyPeriods)) {
            if (setting != null) {
                registry.register(setting);
            }
        }
    }

    /** The values in effect, with defaults resolved (hostname, interface address, gRPC port). */
    public Values read(ConfigValues values) {
        int rf = replicationFactor == null ? 1 : values.get(replicationFactor);
        if (rf < 1) {
            throw new IllegalArgumentException("-" + replicationFactor.flag() + " must be at least 1, got " + rf);
        }
        int tokens = numTokens == null ? 1 : values.get(numTokens);
        if (tokens < 1) {
            throw new IllegalArgumentException("-" + numTokens.flag() + " must be at least 1, got " + tokens);
        }
        Duration period = values.get(heartbeatPeriod);
        Duration timeout = values.get(heartbeatTimeout);
        if (period.isZero() || period.isNegative() || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("-" + heartbeatPeriod.flag() + " and -" + heartbeatTimeout.flag() + " must be positive"
                    + " (disabling heartbeats is not supported, as in Mimir 3.1)");
        }
        String id = values.get(instanceId).isEmpty() ? hostname() : values.get(instanceId);
        String addr = values.get(instanceAddr).isEmpty() ? interfaceAddress(values.get(interfaceNames)) : values.get(instanceAddr);
        int port = values.get(instancePort) != 0 ? values.get(instancePort) : values.get(SharedSettings.GRPC_LISTEN_PORT);
        String az = values.get(zone);
        boolean zoneAware = values.get(zoneAwareness);
        if (zoneAware && az.isEmpty()) {
            throw new IllegalArgumentException("-" + zone.flag() + " must be set when -" + zoneAwareness.flag() + " is true");
        }
        int forget = autoForgetUnhealthyPeriods == null ? 0 : values.get(autoForgetUnhealthyPeriods);
        return new Values(this, rf, tokens, period, timeout, zoneAware, id, hostPort(addr, port), az, values.get(unregisterOnShutdown), forget);
    }

    /** One ring's settings as read. */
    public record Values(RingSettings settings, int replicationFactor, int numTokens, Duration heartbeatPeriod, Duration heartbeatTimeout,
            boolean zoneAwareness, String instanceId, String instanceAddr, String zone, boolean unregisterOnShutdown, int autoForgetUnhealthyPeriods) {}

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The first IPv4 address of the named interfaces, else of any up non-loopback interface, else 127.0.0.1 (as dskit falls back). */
    static String interfaceAddress(List<String> names) {
        try {
            for (String name : names) {
                NetworkInterface nic = NetworkInterface.getByName(name);
                String addr = nic == null ? null : ipv4(nic);
                if (addr != null) {
                    return addr;
                }
            }
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback()) {
                    String addr = ipv4(nic);
                    if (addr != null) {
                        return addr;
                    }
                }
            }
        }
        catch (SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }

    private static String ipv4(NetworkInterface nic) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
            if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                return address.getHostAddress();
            }
        }
        return null;
    }
}
