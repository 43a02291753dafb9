/**
 * The memberlist KV store: Mimir's default ring store, with dskit's semantics, flags and metric names
 * but its own wire protocol (not compatible with Go's {@code hashicorp/memberlist}; a cluster is all
 * JVM or all Go).
 *
 * <h2>Why a hand-written transport</h2>
 * ScaleCube cluster ({@code io.scalecube:scalecube-cluster} 2.7.10, the SWIM implementation for the
 * JVM) was evaluated first and rejected, measured on 2026-12-04:
 * <ul>
 *   <li><b>It does not resolve on the module path.</b> {@code scalecube-cluster} and
 *       {@code scalecube-cluster-api} are automatic modules that both contain the packages
 *       {@code io.scalecube.cluster}, {@code .fdetector}, {@code .gossip}, {@code .membership} and
 *       {@code .metadata}; {@code java --module-path lib --validate-modules} and any boot layer fail
 *       with "Modules scalecube.cluster and scalecube.cluster.api export package
 *       io.scalecube.cluster.fdetector". Using it would mean repackaging jars or falling back to the
 *       class path for this module.</li>
 *   <li><b>Weight.</b> With its TCP transport ({@code scalecube-transport-netty}) the runtime closure is
 *       30 jars, 10.6 MB; beyond the Netty jars we already ship it adds 6.5 MB (reactor-core 1.9 MB,
 *       reactor-netty core and http 1.1 MB, the QUIC incubator with its native library 3.0 MB), for a
 *       store that holds a few rings.</li>
 *   <li><b>Version conflicts.</b> reactor-netty 1.2.8 is built on Netty 4.1.122 and slf4j 1.7, while
 *       the project converges on Netty 4.2 and slf4j 2 (the enforcer's dependency convergence fails).</li>
 *   <li><b>Its default message codec is Java serialization</b> ({@code JdkMessageCodec}), not
 *       something to expose on a network port.</li>
 * </ul>
 * This module instead uses {@code java.net} sockets and no dependency beyond {@code mimir.spi}.
 *
 * <h2>Protocol</h2>
 * One message per TCP connection, in the format of {@link mimir.memberlist.MemberlistMessages}, as
 * dskit's TCP transport does. Gossip carries recent changes and the member list; push-pull carries
 * the full state both ways. Values are whole encoded values (the SPI's codecs have no deltas), each
 * with its key, codec id and generation; every node merges what it receives with the codec's merge
 * ({@link mimir.memberlist.MemberlistStore} explains generations, deletion and tombstones) and passes
 * on what changed its copy. Members are tracked by heartbeat ({@link mimir.memberlist.MemberlistMembers}).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Nothing received is trusted: sizes are capped (100 MiB per message), reads time out, and a bad
 *       connection is logged in one line and closed; it never stops the node.</li>
 *   <li>Threads are daemons with names starting {@code memberlist-}; the periodic thread never blocks,
 *       network work runs on virtual threads, and watches are delivered on one notifier thread.</li>
 *   <li>{@code -memberlist.left-ingesters-timeout} is registered (Mimir configurations set it) but is
 *       applied by the ring's codec to its LEFT entries, not by this store.</li>
 * </ul>
 */
package mimir.memberlist;
