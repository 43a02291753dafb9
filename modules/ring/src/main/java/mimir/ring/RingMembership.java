package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

import mimir.spi.KvStores;
import mimir.spi.http.HttpRoutes;
import mimir.spi.kv.KvClient;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * One instance's membership of a ring: the ring as this process sees it ({@link RingClient}) and its
 * own entry ({@link Lifecycler}) over one KV client, joined and left together. What the distributors,
 * store-gateways, compactors, rulers and query-schedulers do with their rings differs; how they join,
 * serve the ring page and leave does not, and lives here.
 */
public final class RingMembership {
    private static final System.Logger LOG = System.getLogger(RingMembership.class.getName());

    private final RingClient ring;
    private final Lifecycler lifecycler;

    public RingMembership(RingClient ring, Lifecycler lifecycler) {
        this.ring = requireNonNull(ring, "ring is null");
        this.lifecycler = requireNonNull(lifecycler, "lifecycler is null");
    }

    /** The membership of {@code settings}' ring in its KV scope, with random tokens and the default LEFT-tombstone timeout. */
    public static RingMembership open(KvStores kvStores, RingSettings.Values settings, Clock clock) throws IOException {
        KvClient<RingDesc> kv = kvStores.open(settings.settings().scope(), RingDesc.CODEC);
        return new RingMembership(new RingClient(kv, settings, clock), new Lifecycler(kv, settings, clock, new SecureRandom(), Lifecycler.DEFAULT_LEFT_TIMEOUT));
    }

    public RingClient ring() {
        return ring;
    }

    public Lifecycler lifecycler() {
        return lifecycler;
    }

    /** This instance's ID in the ring. */
    public String instanceId() {
        return ring.settings().instanceId();
    }

    /** Serves the ring page at {@code path} (HTML, JSON, forget). */
    public void registerPage(HttpRoutes routes, String title, String path) {
        new RingPage(title, ring).register(routes, path);
    }

    /** Registers in state {@code initial} and reads the ring, so that this process's first look at it holds this instance. */
    public void join(InstanceState initial) throws IOException {
        lifecycler.start(initial);
        ring.start();
    }

    /** Goes ACTIVE. */
    public void activate() throws IOException {
        lifecycler.changeState(InstanceState.ACTIVE);
    }

    /**
     * Waits, at most {@code timeout}, until this process's view of the ring shows this instance in
     * {@code state} (a change goes through the KV store and comes back through the watch).
     *
     * @return whether it does
     */
    public boolean awaitOwnState(InstanceState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            InstanceDesc own = ring.ring().desc().get(instanceId());
            if (own != null && own.state() == state) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                LOG.log(System.Logger.Level.WARNING, "instance not " + state + " in its own view of the ring after " + timeout
                        + " ring=" + ring.settings().settings().key() + " instance=" + instanceId());
                return false;
            }
            Thread.sleep(10);
        }
    }

    /** Leaves the ring (LEAVING, then LEFT with {@code unregister-on-shutdown}) and stops watching it. */
    public void leave() throws IOException {
        try {
            lifecycler.stop();
        }
        finally {
            ring.close();
            ring.kv().close();
        }
    }

    /** A service that joins in state {@code initial} when started and leaves when stopped. */
    public Service service(String name, InstanceState initial) {
        requireNonNull(name, "name is null");
        requireNonNull(initial, "initial is null");
        return new Service() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(ServiceContext context) throws IOException {
                join(initial);
            }

            @Override
            public void stop() throws IOException {
                leave();
            }
        };
    }
}
