package mimir.compactor;

import static mimir.compactor.TestingBlockUploads.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mimir.bucket.BlockMarks;
import mimir.bucket.BucketBlocks;
import mimir.ring.InstanceDesc;
import mimir.ring.InstanceState;
import mimir.ring.Lifecycler;
import mimir.ring.Operation;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingSettings;
import mimir.ring.kv.InMemoryKv;
import mimir.spi.kv.KvClient;
import mimir.spi.limits.Limits;
import mimir.testing.Eventually;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.testing.TestingOverrides;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several compactors over one bucket and one ring: the jobs and the tenants' cleanup are shared with no
 * job run twice and none missed, and the jobs of a compactor that leaves, dies or is not ACTIVE go to
 * the others.
 */
class TestCompactorRing {
    private static final long DAY_START = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final List<String> TENANTS = List.of("t1", "t2", "t3", "t4");
    /** Per tenant: four 2 h windows merged, then their 12 h window. */
    private static final int JOBS_PER_TENANT = 5;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private final TestingClock clock = new TestingClock(Instant.ofEpochMilli(DAY_START + 30 * HOUR));
    private final MemoryObjectStore bucket = new MemoryObjectStore(clock);
    private final TestingOverrides overrides = new TestingOverrides(Limits.defaults());
    private final InMemoryKv kv = new InMemoryKv();
    /** Which compactors ran each job, by tenant and sharding key. */
    private final Map<String, List<String>> runs = new ConcurrentHashMap<>();
    private final List<Member> members = new ArrayList<>();

    /** One compactor process: its lifecycler, its view of the ring and the compactor. */
    private record Member(String id, Lifecycler lifecycler, RingClient ringClient, CompactorRing ring, BucketCompactor compactor) {}

    @BeforeEach
    void uploadBlocks() throws Exception {
        uploadBlocks(new TestingBlockUploads(tmp.resolve("uploads"), bucket));
    }

    /** Per tenant, four 2 h blocks from two ingesters each, then past the first-level wait. */
    private void uploadBlocks(TestingBlockUploads uploads) throws Exception {
        for (String tenant : TENANTS) {
            for (int window = 0; window < 4; window++) {
                uploads.upload(tenant, 3, DAY_START + window * 2 * HOUR, "a");
                uploads.upload(tenant, 3, DAY_START + window * 2 * HOUR, "b"); // a second ingester's copy
            }
        }
        clock.advance(Duration.ofHours(1));
    }

    @AfterEach
    void leaveRing() throws Exception {
        for (Member member : members) {
            member.ring().leave();
        }
    }

    private Member member(String id, Duration heartbeatPeriod) {
        RingSettings.Values settings = new RingSettings.Values(RingSettings.COMPACTOR, 1, 512, heartbeatPeriod, Duration.ofMinutes(1), false, id,
                id + ":9095", "", true, 10);
        KvClient<RingDesc> client = kv.client(RingDesc.CODEC);
        Lifecycler lifecycler = new Lifecycler(client, settings, clock, new Random(id.hashCode()), Lifecycler.DEFAULT_LEFT_TIMEOUT);
        RingClient ringClient = new RingClient(client, settings, clock);
        CompactorRing ring = new CompactorRing(ringClient, lifecycler);
        CompactorConfig config = CompactorConfig.defaults(tmp.resolve("compactor-" + id)).withDelays(Duration.ofMinutes(25), Duration.ofHours(12),
                Duration.ofHours(6));
        BucketCompactor compactor = new BucketCompactor(config, bucket, overrides, clock, new SimpleMeterRegistry(), ring);
        compactor.onJobStarted((tenant, job) -> runs.computeIfAbsent(tenant + "/" + job.shardingKey(), k -> new CopyOnWriteArrayList<>()).add(id));
        Member member = new Member(id, lifecycler, ringClient, ring, compactor);
        members.add(member);
        return member;
    }

    private Member joined(String id) throws Exception {
        Member member = member(id, Duration.ofSeconds(15));
        member.ring().join();
        return member;
    }

    /** Waits until every member's view of the ring holds exactly {@code active} as ACTIVE, healthy instances. */
    private void awaitActive(String... active) throws Exception {
        for (Member member : members) {
            Eventually.assertThat(WAIT, () -> assertThat(member.ringClient().ring().instances())
                    .filteredOn(instance -> instance.isHealthy(Operation.WRITE, Duration.ofMinutes(1), clock.millis()))
                    .extracting(InstanceDesc::id)
                    .containsExactlyInAnyOrder(active));
        }
    }

    private int liveBlocks(String tenant) throws Exception {
        Map<Ulid, Long> deletion = BlockMarks.list(bucket, tenant, BlockMarks.DELETION_MARK);
        int live = 0;
        for (BucketIndex.Entry entry : new BucketBlocks(bucket).list(tenant, clock.millis()).blocks()) {
            live += deletion.containsKey(entry.id()) ? 0 : 1;
        }
        return live;
    }

    /** Every tenant compacted to one block, by exactly the expected number of jobs, each run once. */
    private void assertEveryJobRanOnce() throws Exception {
        for (String tenant : TENANTS) {
            assertThat(liveBlocks(tenant)).as("live blocks of %s", tenant).isEqualTo(1);
        }
        assertThat(runs).hasSize(TENANTS.size() * JOBS_PER_TENANT);
        runs.forEach((job, by) -> assertThat(by).as("compactors that ran %s", job).hasSize(1));
    }

    /** One compaction cycle of {@code member} runs every job of every tenant. */
    private void assertOneCycleRunsEveryJob(Member member) throws Exception {
        assertThat(member.compactor().compactAll()).isTrue();
        assertEveryJobRanOnce();
        assertThat(runBy(member.id())).hasSize(TENANTS.size() * JOBS_PER_TENANT);
    }

    private List<String> runBy(String id) {
        List<String> jobs = new ArrayList<>();
        runs.forEach((job, by) -> {
            if (by.contains(id)) {
                jobs.add(job);
            }
        });
        return jobs;
    }

    @Test
    void twoCompactorsRunningAtOnceSplitTheJobsOfSeveralTenantsWithNoJobRunTwiceAndNoneMissed() throws Exception {
        Member a = joined("compactor-a");
        Member b = joined("compactor-b");
        awaitActive("compactor-a", "compactor-b");

        ExecutorService processes = Executors.newFixedThreadPool(2);
        try {
            // A bigger range waits for the smaller windows of the other compactor, so this takes a few cycles.
            for (int cycle = 0; cycle < 5 && runs.size() < TENANTS.size() * JOBS_PER_TENANT; cycle++) {
                Future<Boolean> first = processes.submit(() -> a.compactor().compactAll());
                Future<Boolean> second = processes.submit(() -> b.compactor().compactAll());
                assertThat(first.get(60, TimeUnit.SECONDS)).isTrue();
                assertThat(second.get(60, TimeUnit.SECONDS)).isTrue();
            }
        }
        finally {
            processes.shutdownNow();
        }

        assertEveryJobRanOnce();
        assertThat(runBy("compactor-a")).isNotEmpty();
        assertThat(runBy("compactor-b")).isNotEmpty();
    }

    @Test
    void eachTenantIsCleanedUpByOneCompactor() throws Exception {
        Member a = joined("compactor-a");
        Member b = joined("compactor-b");
        awaitActive("compactor-a", "compactor-b");
        a.compactor().cleanupAll();
        List<String> indexedByA = new ArrayList<>();
        for (String tenant : TENANTS) {
            if (new BucketBlocks(bucket).readIndex(tenant).isPresent()) {
                indexedByA.add(tenant);
            }
        }
        b.compactor().cleanupAll();
        for (String tenant : TENANTS) {
            assertThat(new BucketBlocks(bucket).readIndex(tenant)).as("bucket index of %s", tenant).isPresent();
        }
        // A wrote the indexes of its tenants only, and B the rest.
        assertThat(indexedByA).isNotEmpty().hasSizeLessThan(TENANTS.size());
    }

    @Test
    void whenOneCompactorLeavesTheOtherRunsEveryJobAtItsNextCycle() throws Exception {
        Member a = joined("compactor-a");
        Member b = joined("compactor-b");
        awaitActive("compactor-a", "compactor-b");
        assertThat(a.compactor().jobOwners("t1", a.compactor().plannedJobs("t1"))).contains("compactor-a", "compactor-b");

        a.ring().leave();
        members.remove(a); // its ring view stopped with it: only the remaining members' views must converge
        awaitActive("compactor-b");
        assertOneCycleRunsEveryJob(b);
    }

    @Test
    void theJobsOfACompactorThatStopsHeartbeatingGoToTheOthersOnceItsHeartbeatTimesOut() throws Exception {
        Member dead = member("compactor-a", Duration.ofHours(1)); // its own heartbeat never comes during the test
        dead.ring().join();
        Member alive = joined("compactor-b");
        awaitActive("compactor-a", "compactor-b");

        clock.advance(Duration.ofMinutes(2));
        alive.lifecycler().heartbeat();
        awaitActive("compactor-b");
        assertOneCycleRunsEveryJob(alive);
    }

    @Test
    void aCompactorThatIsNotActivePlansNothingAndItsPeerOwnsEveryJob() throws Exception {
        Member active = joined("compactor-a");
        Member joining = member("compactor-b", Duration.ofSeconds(15));
        joining.lifecycler().start(InstanceState.JOINING);
        joining.ringClient().start();
        for (Member member : members) {
            Eventually.assertThat(WAIT, () -> assertThat(member.ringClient().ring().instances()).hasSize(2));
        }

        assertThat(joining.compactor().compactAll()).isTrue();
        joining.compactor().cleanupAll();
        assertThat(runs).isEmpty();
        for (String tenant : TENANTS) {
            assertThat(liveBlocks(tenant)).isEqualTo(8);
            assertThat(new BucketBlocks(bucket).readIndex(tenant)).isEmpty();
        }
        assertThat(joining.compactor().jobOwners("t1", joining.compactor().plannedJobs("t1"))).containsOnly("compactor-a");

        assertOneCycleRunsEveryJob(active);
    }

    @Test
    void aCompactorAloneInItsRingRunsEveryJobAsOneWithoutARing() throws Exception {
        Member alone = joined("compactor-a");
        awaitActive("compactor-a");
        assertThat(alone.compactor().compactAll()).isTrue();
        alone.compactor().cleanupAll();

        assertEveryJobRanOnce();
        assertThat(runBy("compactor-a")).hasSize(TENANTS.size() * JOBS_PER_TENANT);
        for (String tenant : TENANTS) {
            assertThat(new BucketBlocks(bucket).readIndex(tenant)).as("bucket index of %s", tenant).isPresent();
        }

        // The same bucket compacted by a compactor without a ring takes the same jobs.
        Map<String, List<String>> withRing = Map.copyOf(runs);
        runs.clear();
        MemoryObjectStore other = new MemoryObjectStore(clock);
        uploadBlocks(new TestingBlockUploads(tmp.resolve("uploads-2"), other));
        BucketCompactor ringless = new BucketCompactor(CompactorConfig.defaults(tmp.resolve("ringless")), other, overrides, clock, new SimpleMeterRegistry());
        ringless.onJobStarted((tenant, job) -> runs.computeIfAbsent(tenant + "/" + job.shardingKey(), k -> new CopyOnWriteArrayList<>()).add("ringless"));
        assertThat(ringless.compactAll()).isTrue();
        assertThat(ringless.sharded()).isFalse();
        assertThat(runs.keySet().stream().map(key -> key.replaceAll("-[0-9A-Z]{26}$", "")).sorted().toList())
                .isEqualTo(withRing.keySet().stream().map(key -> key.replaceAll("-[0-9A-Z]{26}$", "")).sorted().toList());
    }
}
