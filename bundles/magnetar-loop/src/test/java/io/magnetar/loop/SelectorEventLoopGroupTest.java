package io.magnetar.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.magnetar.api.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SelectorEventLoopGroupTest {

    private SelectorEventLoopGroup group;

    @BeforeEach
    void openGroup() {
        group = new SelectorEventLoopGroup(3, "group-test");
    }

    @AfterEach
    void closeGroup() throws Exception {
        group.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void handsOutLoopsRoundRobinInTheirFixedOrder() {
        List<EventLoop> loops = group.loops();
        List<EventLoop> handedOut = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            handedOut.add(group.next());
        }

        assertThat(loops).hasSize(3).doesNotHaveDuplicates();
        assertThat(handedOut)
                .containsExactly(
                        loops.get(0),
                        loops.get(1),
                        loops.get(2),
                        loops.get(0),
                        loops.get(1),
                        loops.get(2),
                        loops.get(0));
    }

    @Test
    void namesEachLoopThreadAfterThePrefixAndIndex() throws Exception {
        List<String> names = new ArrayList<>();
        for (EventLoop loop : group.loops()) {
            names.add(OnLoop.call(loop, () -> Thread.currentThread().getName()));
        }

        assertThat(names).containsExactly("group-test-0", "group-test-1", "group-test-2");
    }

    @Test
    void closeClosesEveryLoop() throws Exception {
        group.close().get(OnLoop.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(group.loops()).allSatisfy(loop -> {
            assertThat(loop.isClosed()).isTrue();
            assertThat(((SelectorEventLoop) loop).terminationFuture()).isCompleted();
        });
    }

    @Test
    void rejectsAnEmptyGroup() {
        assertThatThrownBy(() -> new SelectorEventLoopGroup(0, "empty")).isInstanceOf(IllegalArgumentException.class);
    }
}
