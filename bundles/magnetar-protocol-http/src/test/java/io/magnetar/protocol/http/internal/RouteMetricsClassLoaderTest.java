package io.magnetar.protocol.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.magnetar.protocols.testing.IsolatedClasses;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** A loop thread that recorded requests must not keep an updated HTTP bundle's class loader. */
class RouteMetricsClassLoaderTest {

    @Test
    void aThreadThatRecordedARouteDoesNotKeepTheClassLoader() throws Exception {
        boolean collected = IsolatedClasses.collectedAfterUse("io.magnetar.protocol.http.internal", classes -> {
            Class<?> metrics = classes.loadClass(RouteMetrics.class.getName());
            Object route = metrics.getMethod("of", String.class).invoke(null, "/hello");
            Object cell = metrics.getMethod("cell").invoke(route);
            cell.getClass().getMethod("record", int.class, long.class).invoke(cell, 200, 1_000L);
        });

        assertThat(collected)
                .as("class loader collected while the thread lives")
                .isTrue();
    }

    @Test
    void eachThreadRecordsInACellOfItsOwnAndKeepsIt() throws Exception {
        RouteMetrics route = RouteMetrics.of("/cells-per-thread");
        RouteMetrics.Cell here = route.cell();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            RouteMetrics.Cell there = other.submit(route::cell).get();

            assertThat(route.cell()).isSameAs(here);
            assertThat(there).isNotSameAs(here);
            assertThat(other.submit(route::cell).get()).isSameAs(there);
        } finally {
            other.shutdownNow();
        }
    }
}
