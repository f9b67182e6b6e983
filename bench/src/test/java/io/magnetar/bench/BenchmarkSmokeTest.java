package io.magnetar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark briefly (in this JVM, one short iteration) so that none can rot; the
 * figures printed here mean nothing — bench/run and a full JMH run make the claims.
 */
class BenchmarkSmokeTest {

    @Test
    void everyBenchmarkRunsAndProducesAScore() throws Exception {
        Options options = new OptionsBuilder()
                .include("io\\.magnetar\\.bench\\.jmh\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(500))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).isNotEmpty();
        for (RunResult r : results) {
            assertThat(r.getPrimaryResult().getScore())
                    .as(r.getParams().getBenchmark())
                    .isPositive();
        }
    }
}
