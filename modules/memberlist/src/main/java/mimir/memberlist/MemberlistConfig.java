package mimir.memberlist;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Durations;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;

/**
 * The {@code memberlist} block: Mimir's flags, YAML keys, defaults and help texts (dskit's
 * {@code KVConfig} and {@code TCPTransportConfig}), limited to the settings this backend honours plus
 * {@code -memberlist.left-ingesters-timeout}, which belongs to the ring's values rather than to the
 * store (see {@link #leftIngestersTimeout}).
 *
 * @param bindAddresses                    {@code -memberlist.bind-addr}; empty means every interface
 * @param bindPort                         {@code -memberlist.bind-port}; 0 picks a free port
 * @param advertiseAddress                 {@code -memberlist.advertise-addr}; empty means derived from the bind address
 * @param advertisePort                    {@code -memberlist.advertise-port}; only used with an advertise address
 * @param joinMembers                      {@code -memberlist.join}, parsed
 * @param nodeName                         {@code -memberlist.nodename}; empty means the hostname
 * @param randomizeNodeName                {@code -memberlist.randomize-node-name}
 * @param gossipInterval                   {@code -memberlist.gossip-interval}
 * @param gossipNodes                      {@code -memberlist.gossip-nodes}
 * @param pushPullInterval                 {@code -memberlist.pullpush-interval}; zero disables the periodic full sync
 * @param gossipToDeadNodesTime            {@code -memberlist.gossip-to-dead-nodes-time}
 * @param retransmitFactor                 {@code -memberlist.retransmit-factor}
 * @param streamTimeout                    {@code -memberlist.stream-timeout}
 * @param packetDialTimeout                {@code -memberlist.packet-dial-timeout}
 * @param packetWriteTimeout               {@code -memberlist.packet-write-timeout}
 * @param abortIfJoinFails                 {@code -memberlist.abort-if-join-fails}
 * @param minJoinBackoff                   {@code -memberlist.min-join-backoff}
 * @param maxJoinBackoff                   {@code -memberlist.max-join-backoff}
 * @param maxJoinRetries                   {@code -memberlist.max-join-retries}
 * @param rejoinInterval                   {@code -memberlist.rejoin-interval}; zero disables
 * @param leaveTimeout                     {@code -memberlist.leave-timeout}
 * @param leftIngestersTimeout             {@code -memberlist.left-ingesters-timeout}
 * @param clusterLabel                     {@code -memberlist.cluster-label}
 * @param clusterLabelVerificationDisabled {@code -memberlist.cluster-label-verification-disabled}
 */
record MemberlistConfig(
        List<String> bindAddresses,
        int bindPort,
        String advertiseAddress,
        int advertisePort,
        List<MemberlistJoinAddress> joinMembers,
        String nodeName,
        boolean randomizeNodeName,
        Duration gossipInterval,
        int gossipNodes,
        Duration pushPullInterval,
        Duration gossipToDeadNodesTime,
        int retransmitFactor,
        Duration streamTimeout,
        Duration packetDialTimeout,
        Duration packetWriteTimeout,
        boolean abortIfJoinFails,
        Duration minJoinBackoff,
        Duration maxJoinBackoff,
        int maxJoinRetries,
        Duration rejoinInterval,
        Duration leaveTimeout,
        Duration leftIngestersTimeout,
        String clusterLabel,
        boolean clusterLabelVerificationDisabled) {
    static final int DEFAULT_PORT = 7946;

    /** A node advances its heartbeat and gossips its member list every this many gossip intervals. */
    static final int HEARTBEAT_TICKS = 5;

    static final Setting<String> NODE_NAME = Setting.advanced("memberlist.nodename", "memberlist.node_name", ValueTypes.STRING, "",
            "Name of the node in memberlist cluster. Defaults to hostname.");
    static final Setting<Boolean> RANDOMIZE_NODE_NAME = Setting.advanced("memberlist.randomize-node-name", "memberlist.randomize_node_name",
            ValueTypes.BOOLEAN, true, "Add random suffix to the node name.");
    static final Setting<Duration> STREAM_TIMEOUT = Setting.advanced("memberlist.stream-timeout", "memberlist.stream_timeout", ValueTypes.DURATION,
            Duration.ofSeconds(2), "The timeout for establishing a connection with a remote node, and for read/write operations.");
    static final Setting<Integer> RETRANSMIT_FACTOR = Setting.advanced("memberlist.retransmit-factor", "memberlist.retransmit_factor", ValueTypes.INT, 4,
            "Multiplication factor used when sending out messages (factor * log(N+1)).");
    static final Setting<Duration> PUSH_PULL_INTERVAL = Setting.advanced("memberlist.pullpush-interval", "memberlist.pull_push_interval",
            ValueTypes.DURATION, Duration.ofSeconds(30), "How often to use pull/push sync.");
    static final Setting<Duration> GOSSIP_INTERVAL = Setting.advanced("memberlist.gossip-interval", "memberlist.gossip_interval", ValueTypes.DURATION,
            Duration.ofMillis(200), "How often to gossip.");
    static final Setting<Integer> GOSSIP_NODES = Setting.advanced("memberlist.gossip-nodes", "memberlist.gossip_nodes", ValueTypes.INT, 3,
            "How many nodes to gossip to.");
    static final Setting<Duration> GOSSIP_TO_DEAD_NODES_TIME = Setting.advanced("memberlist.gossip-to-dead-nodes-time",
            "memberlist.gossip_to_dead_nodes_time", ValueTypes.DURATION, Duration.ofSeconds(30),
            "How long to keep gossiping to dead nodes, to give them chance to refute their death.");
    static final Setting<String> ADVERTISE_ADDR = Setting.basic("memberlist.advertise-addr", "memberlist.advertise_addr", ValueTypes.STRING, "",
            "Gossip address to advertise to other members in the cluster. Used for NAT traversal.");
    static final Setting<Integer> ADVERTISE_PORT = Setting.basic("memberlist.advertise-port", "memberlist.advertise_port", ValueTypes.INT,
            DEFAULT_PORT, "Gossip port to advertise to other members in the cluster. Used for NAT traversal.");
    static final Setting<String> CLUSTER_LABEL = Setting.advanced("memberlist.cluster-label", "memberlist.cluster_label", ValueTypes.STRING, "",
            "The cluster label is an optional string to include in outbound packets and gossip streams. Other members in the memberlist cluster will discard any message whose label doesn't match the configured one, unless the 'cluster-label-verification-disabled' configuration option is set to true.");
    static final Setting<Boolean> CLUSTER_LABEL_VERIFICATION_DISABLED = Setting.advanced("memberlist.cluster-label-verification-disabled",
            "memberlist.cluster_label_verification_disabled", ValueTypes.BOOLEAN, false,
            "When true, memberlist doesn't verify that inbound packets and gossip streams have the cluster label matching the configured one. This verification should be disabled while rolling out the change to the configured cluster label in a live memberlist cluster.");
    static final Setting<List<String>> JOIN = Setting.basic("memberlist.join", "memberlist.join_members", ValueTypes.STRING_LIST, List.of(),
            "Other cluster members to join. Can be specified multiple times. It can be an IP, hostname or an entry specified in the DNS Service Discovery format.");
    static final Setting<Duration> MIN_JOIN_BACKOFF = Setting.advanced("memberlist.min-join-backoff", "memberlist.min_join_backoff",
            ValueTypes.DURATION, Duration.ofSeconds(1), "Min backoff duration to join other cluster members.");
    static final Setting<Duration> MAX_JOIN_BACKOFF = Setting.advanced("memberlist.max-join-backoff", "memberlist.max_join_backoff",
            ValueTypes.DURATION, Duration.ofMinutes(1), "Max backoff duration to join other cluster members.");
    static final Setting<Integer> MAX_JOIN_RETRIES = Setting.advanced("memberlist.max-join-retries", "memberlist.max_join_retries", ValueTypes.INT, 10,
            "Max number of retries to join other cluster members.");
    static final Setting<Boolean> ABORT_IF_JOIN_FAILS = Setting.basic("memberlist.abort-if-join-fails", "memberlist.abort_if_cluster_join_fails",
            ValueTypes.BOOLEAN, false, "If this node fails to join memberlist cluster, abort.");
    static final Setting<Duration> REJOIN_INTERVAL = Setting.advanced("memberlist.rejoin-interval", "memberlist.rejoin_interval", ValueTypes.DURATION,
            Duration.ZERO,
            "If not 0, how often to rejoin the cluster. Occasional rejoin can help to fix the cluster split issue, and is harmless otherwise. For example when using only few components as a seed nodes (via -memberlist.join), then it's recommended to use rejoin. If -memberlist.join points to dynamic service that resolves to all gossiping nodes (eg. Kubernetes headless service), then rejoin is not needed.");
    static final Setting<Duration> LEFT_INGESTERS_TIMEOUT = Setting.advanced("memberlist.left-ingesters-timeout", "memberlist.left_ingesters_timeout",
            ValueTypes.DURATION, Duration.ofMinutes(5), "How long to keep LEFT ingesters in the ring.");
    static final Setting<Duration> LEAVE_TIMEOUT = Setting.advanced("memberlist.leave-timeout", "memberlist.leave_timeout", ValueTypes.DURATION,
            Duration.ofSeconds(20), "Timeout for leaving memberlist cluster.");
    static final Setting<List<String>> BIND_ADDR = Setting.basic("memberlist.bind-addr", "memberlist.bind_addr", ValueTypes.STRING_LIST, List.of(),
            "IP address to listen on for gossip messages. Multiple addresses may be specified. Defaults to 0.0.0.0");
    static final Setting<Integer> BIND_PORT = Setting.basic("memberlist.bind-port", "memberlist.bind_port", ValueTypes.INT, DEFAULT_PORT,
            "Port to listen on for gossip messages.");
    static final Setting<Duration> PACKET_DIAL_TIMEOUT = Setting.advanced("memberlist.packet-dial-timeout", "memberlist.packet_dial_timeout",
            ValueTypes.DURATION, Duration.ofSeconds(2), "Timeout used when connecting to other nodes to send packet.");
    static final Setting<Duration> PACKET_WRITE_TIMEOUT = Setting.advanced("memberlist.packet-write-timeout", "memberlist.packet_write_timeout",
            ValueTypes.DURATION, Duration.ofSeconds(5), "Timeout for writing 'packet' data.");

    /** Every setting, in the order of Mimir's reference configuration. */
    static final List<Setting<?>> SETTINGS = List.of(NODE_NAME, RANDOMIZE_NODE_NAME, STREAM_TIMEOUT, RETRANSMIT_FACTOR, PUSH_PULL_INTERVAL,
            GOSSIP_INTERVAL, GOSSIP_NODES, GOSSIP_TO_DEAD_NODES_TIME, ADVERTISE_ADDR, ADVERTISE_PORT, CLUSTER_LABEL,
            CLUSTER_LABEL_VERIFICATION_DISABLED, JOIN, MIN_JOIN_BACKOFF, MAX_JOIN_BACKOFF, MAX_JOIN_RETRIES, ABORT_IF_JOIN_FAILS, REJOIN_INTERVAL,
            LEFT_INGESTERS_TIMEOUT, LEAVE_TIMEOUT, BIND_ADDR, BIND_PORT, PACKET_DIAL_TIMEOUT, PACKET_WRITE_TIMEOUT);

    MemberlistConfig {
        bindAddresses = List.copyOf(bindAddresses);
        requireNonNull(advertiseAddress, "advertiseAddress is null");
        joinMembers = List.copyOf(joinMembers);
        requireNonNull(nodeName, "nodeName is null");
        requireNonNull(gossipInterval, "gossipInterval is null");
        requireNonNull(pushPullInterval, "pushPullInterval is null");
        requireNonNull(gossipToDeadNodesTime, "gossipToDeadNodesTime is null");
        requireNonNull(streamTimeout, "streamTimeout is null");
        requireNonNull(packetDialTimeout, "packetDialTimeout is null");
        requireNonNull(packetWriteTimeout, "packetWriteTimeout is null");
        requireNonNull(minJoinBackoff, "minJoinBackoff is null");
        requireNonNull(maxJoinBackoff, "maxJoinBackoff is null");
        requireNonNull(rejoinInterval, "rejoinInterval is null");
        requireNonNull(leaveTimeout, "leaveTimeout is null");
        requireNonNull(leftIngestersTimeout, "leftIngestersTimeout is null");
        requireNonNull(clusterLabel, "clusterLabel is null");
    }

    /**
     * Reads and checks the settings.
     *
     * @throws IllegalArgumentException naming the flag of the first invalid value
     */
    static MemberlistConfig from(ConfigValues values) {
        requireNonNull(values, "values is null");
        int bindPort = values.get(BIND_PORT);
        requirePort(BIND_PORT, bindPort, 0);
        int advertisePort = values.get(ADVERTISE_PORT);
        requirePort(ADVERTISE_PORT, advertisePort, 1);
        int gossipNodes = values.get(GOSSIP_NODES);
        if (gossipNodes < 1) {
            throw new IllegalArgumentException("-" + GOSSIP_NODES.flag() + " must be at least 1, got " + gossipNodes);
        }
        int retransmitFactor = values.get(RETRANSMIT_FACTOR);
        if (retransmitFactor < 1) {
            throw new IllegalArgumentException("-" + RETRANSMIT_FACTOR.flag() + " must be at least 1, got " + retransmitFactor);
        }
        int maxJoinRetries = values.get(MAX_JOIN_RETRIES);
        if (maxJoinRetries < 1) {
            throw new IllegalArgumentException("-" + MAX_JOIN_RETRIES.flag() + " must be at least 1, got " + maxJoinRetries);
        }
        Duration minJoinBackoff = positive(values, MIN_JOIN_BACKOFF);
        Duration maxJoinBackoff = positive(values, MAX_JOIN_BACKOFF);
        if (maxJoinBackoff.compareTo(minJoinBackoff) < 0) {
            throw new IllegalArgumentException("-" + MAX_JOIN_BACKOFF.flag() + " must not be less than -" + MIN_JOIN_BACKOFF.flag());
        }
        List<MemberlistJoinAddress> join = new ArrayList<>();
        for (String member : values.get(JOIN)) {
            join.add(MemberlistJoinAddress.parse(member, bindPort == 0 ? DEFAULT_PORT : bindPort));
        }
        List<String> bindAddresses = values.get(BIND_ADDR).stream().map(String::strip).filter(address -> !address.isEmpty()).toList();
        return new MemberlistConfig(
                bindAddresses,
                bindPort,
                values.get(ADVERTISE_ADDR).strip(),
                advertisePort,
                join,
                values.get(NODE_NAME).strip(),
                values.get(RANDOMIZE_NODE_NAME),
                positive(values, GOSSIP_INTERVAL),
                gossipNodes,
                notNegative(values, PUSH_PULL_INTERVAL),
                notNegative(values, GOSSIP_TO_DEAD_NODES_TIME),
                retransmitFactor,
                positive(values, STREAM_TIMEOUT),
                positive(values, PACKET_DIAL_TIMEOUT),
                positive(values, PACKET_WRITE_TIMEOUT),
                values.get(ABORT_IF_JOIN_FAILS),
                minJoinBackoff,
                maxJoinBackoff,
                maxJoinRetries,
                notNegative(values, REJOIN_INTERVAL),
                notNegative(values, LEAVE_TIMEOUT),
                notNegative(values, LEFT_INGESTERS_TIMEOUT),
                values.get(CLUSTER_LABEL),
                values.get(CLUSTER_LABEL_VERIFICATION_DISABLED));
    }

    /**
     * How long a member's heartbeat may stand still before the member is considered dead: 50 gossip
     * intervals (10 s at the default 200 ms), and never less than five stream timeouts, so that one
     * slow exchange does not kill a member. Heartbeats advance every {@link #HEARTBEAT_TICKS} gossip
     * intervals, so this is ten missed heartbeats.
     */
    Duration deadTimeout() {
        Duration byGossip = gossipInterval.multipliedBy(HEARTBEAT_TICKS * 10L);
        Duration byStream = streamTimeout.multipliedBy(5);
        return byGossip.compareTo(byStream) >= 0 ? byGossip : byStream;
    }

    private static void requirePort(Setting<Integer> setting, int port, int min) {
        if (port < min || port > 65_535) {
            throw new IllegalArgumentException("-" + setting.flag() + " must be a port number between " + min + " and 65535, got " + port);
        }
    }

    private static Duration positive(ConfigValues values, Setting<Duration> setting) {
        Duration value = values.get(setting);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("-" + setting.flag() + " must be positive, got " + Durations.format(value));
        }
        return value;
    }

    private static Duration notNegative(ConfigValues values, Setting<Duration> setting) {
        Duration value = values.get(setting);
        if (value.isNegative()) {
            throw new IllegalArgumentException("-" + setting.flag() + " must not be negative, got " + Durations.format(value));
        }
        return value;
    }
}
