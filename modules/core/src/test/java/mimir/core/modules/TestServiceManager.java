package mimir.core.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.spi.service.ServiceState;
import org.junit.jupiter.api.Test;

class TestServiceManager {
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    private class Recording implements Service {
        private final String name;
        private final boolean failStart;
        final AtomicReference<ServiceContext> context = new AtomicReference<>();

        Recording(String name, boolean failStart) {
            this.name = name;
            this.failStart = failStart;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(ServiceContext context) {
            events.add("start " + name);
            this.context.set(context);
            if (failStart) {
                throw new IllegalStateException(name + " cannot start");
            }
        }

        @Override
        public void stop() {
            events.add("stop " + name);
        }
    }

    /** Prepares (records it, and fails if told to) on its own thread, blocking until released. */
    private final class Preparing implements Service {
        private final String name;
        private final boolean failPrepare;
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        volatile String prepareThread;

        Preparing(String name, boolean failPrepare) {
            this.name = name;
            this.failPrepare = failPrepare;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void prepare() throws Exception {
            prepareThread = Thread.currentThread().getName();
            entered.countDown();
            release.await();
            events.add("prepared " + name);
            if (failPrepare) {
                throw new java.io.IOException(name + " cannot open its data");
            }
        }

        @Override
        public void start(ServiceContext context) {
            events.add("start " + name);
        }

        @Override
        public void stop() {
            events.add("stop " + name);
        }
    }

    private static Map<String, List<Service>> modules(Service... services) {
        Map<String, List<Service>> byModule = new LinkedHashMap<>();
        for (Service service : services) {
            byModule.put("module-" + service.name(), List.of(service));
        }
        return byModule;
    }

    @Test
    void startsInOrderAndStopsInReverse() throws Exception {
        ServiceManager manager = new ServiceManager(modules(new Recording("a", false), new Recording("b", false)), Duration.ofSeconds(5));
        manager.startAll();
        assertThat(manager.allRunning()).isTrue();
        manager.stopAll();
        assertThat(manager.awaitTermination()).isNull();
        assertThat(events).containsExactly("start a", "start b", "stop b", "stop a");
        assertThat(manager.services()).allMatch(m -> m.state() == ServiceState.TERMINATED);
    }

    @Test
    void failureToStartStopsWhatStartedAndNeverStartsTheRest() throws Exception {
        ServiceManager manager = new ServiceManager(modules(new Recording("a", false), new Recording("b", true), new Recording("c", false)),
                Duration.ofSeconds(5));
        assertThatThrownBy(manager::startAll).hasMessageContaining("service b failed: b cannot start");
        assertThat(events).containsExactly("start a", "start b", "stop b", "stop a");
        assertThat(manager.services().get(1).state()).isEqualTo(ServiceState.FAILED);
        assertThat(manager.services().get(2).state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(manager.awaitTermination()).hasMessageContaining("b cannot start");
    }

    @Test
    void failureWhileRunningStopsEverything() throws Exception {
        Recording a = new Recording("a", false);
        Recording b = new Recording("b", false);
        ServiceManager manager = new ServiceManager(modules(a, b), Duration.ofSeconds(5));
        manager.startAll();
        a.context.get().fail(new RuntimeException("disk gone"));
        Throwable failure = manager.awaitTermination();
        assertThat(failure).hasMessage("module module-a: service a failed: disk gone");
        assertThat(events).contains("stop b", "stop a");
        assertThat(manager.services().getFirst().state()).isEqualTo(ServiceState.FAILED);
        assertThat(manager.stateCounts()).containsEntry(ServiceState.FAILED, 1).containsEntry(ServiceState.TERMINATED, 1);
    }

    @Test
    void preparationOverlapsTheStartOfEarlierServicesAndStartWaitsForIt() throws Exception {
        Preparing c = new Preparing("c", false);
        Recording a = new Recording("a", false) {
            @Override
            public void start(ServiceContext context) {
                super.start(context);
                // a starts while c is still preparing on its own thread; c's start must wait for it.
                try {
                    assertThat(c.entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                }
                catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertThat(c.prepareThread).isEqualTo("prepare-c");
                c.release.countDown();
            }
        };
        ServiceManager manager = new ServiceManager(modules(a, c), Duration.ofSeconds(5));
        manager.startAll();
        assertThat(manager.allRunning()).isTrue();
        manager.stopAll();
        assertThat(events).containsExactly("start a", "prepared c", "start c", "stop c", "stop a");
    }

    @Test
    void aFailedPreparationFailsTheServiceAndAPreparedServiceThatNeverStartedIsStopped() throws Exception {
        Preparing b = new Preparing("b", true);
        Preparing c = new Preparing("c", false);
        b.release.countDown();
        c.release.countDown();
        ServiceManager manager = new ServiceManager(modules(new Recording("a", false), b, c, new Recording("d", false)), Duration.ofSeconds(5));
        assertThatThrownBy(manager::startAll).hasMessageContaining("service b failed: b cannot open its data");
        // c prepared but never started: stopped all the same; d never prepared nor started: not stopped.
        assertThat(events).contains("prepared b", "prepared c").containsSubsequence("start a", "stop c", "stop b", "stop a")
                .doesNotContain("start b", "start c", "start d", "stop d");
        assertThat(manager.services().get(1).state()).isEqualTo(ServiceState.FAILED);
        assertThat(manager.services().get(2).state()).isEqualTo(ServiceState.TERMINATED);
        assertThat(manager.awaitTermination()).hasMessageContaining("b cannot open its data");
    }
}
