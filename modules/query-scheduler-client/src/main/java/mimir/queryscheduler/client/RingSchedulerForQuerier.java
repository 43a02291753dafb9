package mimir.queryscheduler.client;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.ring.RingClient;

/**
 * A querier's schedulers in ring mode ({@code -query-scheduler.service-discovery-mode=ring}): every
 * healthy scheduler of the ring has a {@link GrpcSchedulerForQuerier}, and the querier's workers are
 * spread over them (worker {@code i} asks scheduler {@code i mod n}), so that each scheduler has workers
 * waiting on it, as Mimir's querier runs workers per scheduler.
 */
public final class RingSchedulerForQuerier implements SchedulerForQuerier, AutoCloseable {
    private final RingSchedulers<GrpcSchedulerForQuerier> schedulers;
    private final AtomicInteger workers = new AtomicInteger();
    private final ThreadLocal<Integer> worker = ThreadLocal.withInitial(workers::getAndIncrement);

    public RingSchedulerForQuerier(RingClient ring, int maxReceiveBytes) {
        this.schedulers = new RingSchedulers<>(ring, address -> new GrpcSchedulerForQuerier(address, maxReceiveBytes));
    }

    /** Reads the ring and starts following it. */
    public void start() throws IOException {
        schedulers.start();
    }

    /** The addresses of the schedulers in use. */
    public List<String> addresses() {
        return schedulers.clients().stream().map(GrpcSchedulerForQuerier::address).toList();
    }

    @Override
    public Optional<ScheduledRequest> next(String querierId, Duration timeout) throws InterruptedException {
        List<GrpcSchedulerForQuerier> clients = schedulers.clients();
        if (clients.isEmpty()) {
            schedulers.refresh();
            clients = schedulers.clients();
        }
        if (clients.isEmpty()) {
            Thread.sleep(timeout);
            return Optional.empty();
        }
        return clients.get(Math.floorMod(worker.get(), clients.size())).next(querierId, timeout);
    }

    @Override
    public void notifyQuerierShutdown(String querierId) {
        for (GrpcSchedulerForQuerier client : schedulers.clients()) {
            client.notifyQuerierShutdown(querierId);
        }
    }

    @Override
    public void close() {
        schedulers.close();
    }
}
