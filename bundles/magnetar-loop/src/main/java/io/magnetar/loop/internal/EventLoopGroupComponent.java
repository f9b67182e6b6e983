package io.magnetar.loop.internal;

import io.magnetar.api.EventLoop;
import io.magnetar.api.EventLoopGroup;
import io.magnetar.api.metrics.MetricSource;
import io.magnetar.api.metrics.MetricWriter;
import io.magnetar.loop.SelectorEventLoop;
import io.magnetar.loop.SelectorEventLoopGroup;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The framework-wide {@link EventLoopGroup} service: threads start on activation and stop on
 * deactivation. Also the loops' {@link MetricSource}. Thread-safe.
 */
@Component(
        configurationPid = "io.magnetar.loop",
        service = {EventLoopGroup.class, MetricSource.class},
        property = {MetricSource.JMX_TYPE + "=EventLoop", MetricSource.JMX_NAME + "=magnetar-loop"})
@Designate(ocd = EventLoopGroupComponent.Config.class)
public final class EventLoopGroupComponent implements EventLoopGroup, MetricSource {

    @ObjectClassDefinition(name = "Magnetar event loops")
    @interface Config {
        @AttributeDefinition(description = "Number of loop threads; 0 means one per available processor")
        int threads() default 0;
    }

    private SelectorEventLoopGroup group;

    @Activate
    void activate(Config config) {
        int n = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        group = new SelectorEventLoopGroup(n, "magnetar-loop");
    }

    @Deactivate
    void deactivate() throws Exception {
        // Bounded: a loop that does not stop within 10 s is reported, not waited for forever.
        group.close().get(10, TimeUnit.SECONDS);
    }

    @Override
    public EventLoop next() {
        return group.next();
    }

    @Override
    public List<EventLoop> loops() {
        return group.loops();
    }

    /** Per loop, labelled {@code loop}: selects, tasks run, seconds busy (outside select). */
    @Override
    public void collect(MetricWriter out) {
        for (EventLoop l : group.loops()) {
            SelectorEventLoop loop = (SelectorEventLoop) l;
            String name = loop.name();
            out.counter("loop_selects_total", "Event loop iterations (selects).", loop.selects(), "loop", name);
            out.counter("loop_tasks_total", "Tasks and timers run on the loop.", loop.tasksRun(), "loop", name);
            out.counter(
                    "loop_busy_seconds_total",
                    "Time the loop spent outside select: I/O, tasks, timers.",
                    loop.busyNanos() / 1e9,
                    "loop",
                    name);
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        throw new UnsupportedOperationException("the shared event loop group closes with its bundle");
    }
}
