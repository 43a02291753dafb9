package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the channel's target to every address of every configured endpoint, in the order given,
 * each with its own authority (the endpoint's {@code host:port}, or {@code -tls-server-name}), so a
 * TLS connection checks each member's certificate against that member's name. Host names are
 * resolved again on every refresh (the channel refreshes after a connection is lost).
 */
final class EtcdNameResolver extends NameResolver {
    static final String SCHEME = "etcd-endpoints";

    private final List<EtcdEndpoint> endpoints;
    private final String serverName;
    private Listener2 listener;

    private EtcdNameResolver(List<EtcdEndpoint> endpoints, String serverName) {
        this.endpoints = List.copyOf(endpoints);
        this.serverName = requireNonNull(serverName, "serverName is null");
    }

    /** The factory of the channel: it serves only targets {@code etcd-endpoints:///...}. */
    static NameResolver.Factory factory(List<EtcdEndpoint> endpoints, String serverName) {
        List<EtcdEndpoint> copy = List.copyOf(endpoints);
        return new NameResolver.Factory() {
            @Override
            public NameResolver newNameResolver(URI target, NameResolver.Args args) {
                return SCHEME.equals(target.getScheme()) ? new EtcdNameResolver(copy, serverName) : null;
            }

            @Override
            public String getDefaultScheme() {
                return SCHEME;
            }
        };
    }

    @Override
    public String getServiceAuthority() {
        return serverName.isEmpty() ? endpoints.getFirst().authority() : serverName;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = requireNonNull(listener, "listener is null");
        resolve();
    }

    @Override
    public void refresh() {
        resolve();
    }

    private void resolve() {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        for (EtcdEndpoint endpoint : endpoints) {
            try {
                Attributes attributes = Attributes.newBuilder()
                        .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, serverName.isEmpty() ? endpoint.authority() : serverName)
                        .build();
                for (InetAddress address : InetAddress.getAllByName(endpoint.host())) {
                    groups.add(new EquivalentAddressGroup(new InetSocketAddress(address, endpoint.port()), attributes));
                }
            }
            catch (UnknownHostException e) {
                unresolved.add(endpoint.authority());
            }
        }
        if (groups.isEmpty()) {
            listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve the etcd endpoints " + String.join(", ", unresolved)));
            return;
        }
        listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
    }

    @Override
    public void shutdown() {
        // Nothing runs in the background.
    }
}
