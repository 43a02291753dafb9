package mimir.ring;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

import mimir.spi.kv.KvClient;

/**
 * Registers this process's instance in a ring and keeps it there (dskit's {@code BasicLifecycler}):
 * on start it takes its tokens back if the ring still holds its entry (a restart), or generates new
 * ones that no other instance has, and becomes ACTIVE; it heartbeats every heartbeat period; on stop it
 * goes LEAVING and, with {@code unregister-on-shutdown}, leaves the ring (a LEFT tombstone). Each
 * heartbeat also drops tombstones older than {@code leftTimeout} and, where the ring auto-forgets,
 * instances unhealthy for that many heartbeat timeouts.
 *
 * <p>Every write of its own entry carries a heartbeat strictly newer than the previous one, so a
 * gossiped ring, which keeps the newer entry, never loses a state change made within one second.
 */
public final class Lifecycler {
    /** How long a LEFT tombstone stays in a ring: Mimir's {@code -memberlist.left-ingesters-timeout} default. */
    public static final Duration DEFAULT_LEFT_TIMEOUT = Duration.ofMinutes(5);

    private static final System.Logger LOG = System.getLogger(Lifecycler.class.getName());

    private final KvClient<RingDesc> kv;
    private final RingSettings.Values settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration leftTimeout;
    private ScheduledExecutorService heartbeats;
    private long lastHeartbeat;
    private volatile InstanceState state = InstanceState.PENDING;
    private int[] tokens = new int[0];

    public Lifecycler(KvClient<RingDesc> kv, RingSettings.Values settings, Clock clock, RandomGenerator random, Duration leftTimeout) {
        this.kv = requireNonNull(kv, "kv is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.random = requireNonNull(random, "random is null");
        this.leftTimeout = requireNonNull(leftTimeout, "leftTimeout is null");
    }

    private String key() {
        return settings.settings().key();
    }

    private synchronized long nextStamp() {
        lastHeartbeat = Math.max(clock.millis() / 1000, lastHeartbeat + 1);
        return lastHeartbeat;
    }

    /** Registers the instance as ACTIVE and starts heartbeating. */
    public synchronized void start() throws IOException {
        start(InstanceState.ACTIVE);
    }

    /**
     * Registers the instance in {@code initial} state (ACTIVE, or JOINING for an instance that must
     * prepare before it serves, then {@link #changeState changes} to ACTIVE) and starts heartbeating.
     */
    public synchronized void start(InstanceState initial) throws IOException {
        if (initial != InstanceState.ACTIVE && initial != InstanceState.JOINING) {
            throw new IllegalArgumentException("an instance registers as ACTIVE or JOINING, not " + initial);
        }
        String id = settings.instanceId();
        long now = nextStamp();
        int[][] claimed = new int[1][];
        kv.cas(key(), current -> {
            RingDesc desc = current == null ? RingDesc.EMPTY : current;
            InstanceDesc existing = desc.get(id);
            int[] own = existing != null && existing.state() != InstanceState.LEFT && existing.tokenCount() > 0
                    ? existing.tokens()
                    : new TokenGenerator(random).generate(settings.numTokens(), desc);
            claimed[0] = own;
            long registered = existing != null && existing.registeredSeconds() > 0 && existing.state() != InstanceState.LEFT
                    ? existing.registeredSeconds()
                    : now;
            long stamp = Math.max(now, existing == null ? 0 : existing.heartbeatSeconds() + 1);
            return desc.with(new InstanceDesc(id, settings.instanceAddr(), stamp, initial, own, settings.zone(), registered, false, 0));
        });
        tokens = claimed[0];
        state = initial;
        LOG.log(Level.INFO, "instance registered in the ring ring=" + key() + " instance=" + id + " addr=" + settings.instanceAddr() + " state="
                + initial + " tokens=" + tokens.length + " zone=" + settings.zone());
        heartbeats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ring-heartbeat-" + key()).daemon().factory());
        long period = settings.heartbeatPeriod().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeatQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes a new state of the registered instance (e.g. JOINING to ACTIVE once it is ready to serve);
     * later heartbeats keep it.
     *
     * @throws IllegalStateException if the instance is not registered
     */
    public synchronized void changeState(InstanceState next) throws IOException {
        requireNonNull(next, "next is null");
        if (heartbeats == null) {
            throw new IllegalStateException("instance " + settings.instanceId() + " is not registered in ring " + key());
        }
        String id = settings.instanceId();
        long stamp = nextStamp();
        state = next;
        kv.cas(key(), desc -> desc == null || desc.get(id) == null ? null
                : desc.with(desc.get(id).withState(next, Math.max(stamp, desc.get(id).heartbeatSeconds() + 1))));
        LOG.log(Level.INFO, "instance changed state ring=" + key() + " instance=" + id + " state=" + next);
    }

    /** The instance's state as last written. */
    public InstanceState state() {
        return state;
    }

    public int[] tokens() {
        return tokens.clone();
    }

    private void heartbeatQuietly() {
        try {
            heartbeat();
        }
        catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "ring heartbeat failed ring=" + key() + " instance=" + settings.instanceId() + " err=\"" + e.getMessage() + "\"");
        }
    }

    /** Writes a heartbeat (re-registering the instance if it was forgotten) and cleans up old entries. */
    public void heartbeat() throws IOException {
        long stamp = nextStamp();
        long nowMillis = clock.millis();
        String id = settings.instanceId();
        InstanceState current = state;
        int[] own = tokens;
        kv.cas(key(), existing -> {
            RingDesc desc = existing == null ? RingDesc.EMPTY : existing;
            InstanceDesc mine = desc.get(id);
            long registered = mine == null || mine.registeredSeconds() == 0 ? stamp : mine.registeredSeconds();
            long at = Math.max(stamp, mine == null ? 0 : mine.heartbeatSeconds() + 1);
            RingDesc next = desc.with(new InstanceDesc(id, settings.instanceAddr(), at, current, own, settings.zone(), registered,
                    mine != null && mine.readOnly(), mine == null ? 0 : mine.readOnlyUpdatedSeconds()));
            next = next.withoutTombstonesOlderThan((nowMillis - leftTimeout.toMillis()) / 1000);
            if (settings.autoForgetUnhealthyPeriods() > 0) {
                long forgetAfter = settings.heartbeatTimeout().toMillis() * settings.autoForgetUnhealthyPeriods();
                for (Map.Entry<String, InstanceDesc> e : next.instances().entrySet()) {
                    InstanceDesc other = e.getValue();
                    if (!other.id().equals(id) && other.state() != InstanceState.LEFT && nowMillis - other.heartbeatSeconds() * 1000L > forgetAfter) {
                        LOG.log(Level.INFO, "auto-forgetting unhealthy instance ring=" + key() + " instance=" + other.id());
                        next = next.with(other.left(Math.max(stamp, other.heartbeatSeconds() + 1)));
                    }
                }
            }
            return next;
        });
    }

    /** Goes LEAVING, then leaves the ring if {@code unregister-on-shutdown} is set; stops heartbeating. */
    public synchronized void stop() throws IOException {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
            heartbeats = null;
        }
        if (state == InstanceState.PENDING) {
            return;
        }
        String id = settings.instanceId();
        state = InstanceState.LEAVING;
        long leaving = nextStamp();
        kv.cas(key(), desc -> desc == null || desc.get(id) == null ? null : desc.with(desc.get(id).withState(InstanceState.LEAVING, leaving)));
        if (settings.unregisterOnShutdown()) {
            long left = nextStamp();
            kv.cas(key(), desc -> desc == null || desc.get(id) == null ? null : desc.with(desc.get(id).left(left)));
            LOG.log(Level.INFO, "instance left the ring ring=" + key() + " instance=" + id);
        }
        state = InstanceState.PENDING;
    }
}
