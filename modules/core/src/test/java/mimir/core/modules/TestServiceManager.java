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

    private final class Recording implements Service {
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
}
